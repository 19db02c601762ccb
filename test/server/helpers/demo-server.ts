import { join } from "node:path";
import {
  createAiSdkChatHandler,
  createChatHandler,
  createOpenAIChatHandler,
} from "../../../src/chat/index.js";
import { type Demo, startDemo } from "../../../src/demo/index.js";
import { createServerApp, listen } from "../../../src/server/index.js";
import { DEV_TENANT_HEADER, DEV_USER_HEADER, devHeaderIdentity } from "../../../src/tenants/index.js";

export const CORPUS_DIR = join(import.meta.dirname, "../../../examples/corpus");

/** The offline demo served for real: emulator on the example corpus (both companies), one store, the app on a free port. */
export interface DemoServer {
  demo: Demo;
  url: string;
  /** POSTs a question to /api/chat as `user` of `tenant` (default northwind; the demo identity headers). */
  ask(user: string | undefined, body: unknown, tenant?: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startDemoServer(): Promise<DemoServer> {
  const demo = await startDemo({ corpusDir: CORPUS_DIR });
  try {
    const chatOptions = { retrievers: demo.retrievers, identify: devHeaderIdentity({ people: demo.people }) };
    const app = createServerApp({
      chat: createChatHandler(chatOptions),
      openai: createOpenAIChatHandler(chatOptions),
      aiSdk: createAiSdkChatHandler(chatOptions),
      people: demo.people,
      companies: demo.companies,
      questions: demo.questions,
      identityHeaders: { tenant: DEV_TENANT_HEADER, user: DEV_USER_HEADER },
    });
    const server = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
    return {
      demo,
      url: server.url,
      ask: (user, body, tenant = demo.tenant) =>
        fetch(`${server.url}/api/chat`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(user ? { [DEV_USER_HEADER]: user, [DEV_TENANT_HEADER]: tenant } : {}),
          },
          body: JSON.stringify(body),
        }),
      close: async () => {
        await server.close();
        await demo.close();
      },
    };
  } catch (error) {
    await demo.close();
    throw error;
  }
}
