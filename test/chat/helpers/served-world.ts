import { generateKeyPair, SignJWT } from "jose";
import {
  type Answerer,
  createAiSdkChatHandler,
  createChatHandler,
  createOpenAIChatHandler,
  ExtractiveAnswerer,
} from "../../../src/chat/index.js";
import { createServerApp, type Listening, listen } from "../../../src/server/index.js";
import { jwtIdentity } from "../../../src/tenants/index.js";
import { type ChatWorld, TENANT } from "./world.js";

const ISSUER = "https://login.clearance.test/";
const AUDIENCE = "clearance";

/** The chat world behind the real server app on loopback, identity from bearer JWTs (as `serve --jwks-url`). */
export interface ServedWorld {
  url: string;
  /** A signed, unexpired token for `email` in the world's tenant. */
  tokenFor(email: string): Promise<string>;
  /** Everything the endpoints sent to `onError` (the server log). */
  logged: unknown[];
  /** Who writes the answers from now on (default the extractive answerer). */
  useAnswerer(answerer?: Answerer): void;
  close(): Promise<void>;
}

export async function serveWorld(world: ChatWorld): Promise<ServedWorld> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const logged: unknown[] = [];
  let current: Answerer = new ExtractiveAnswerer();
  const model: Answerer = {
    get name() {
      return current.name;
    },
    answer: (input) => current.answer(input),
  };
  const chatOptions = () => ({
    retriever: world.retriever,
    identify: jwtIdentity({ key: publicKey, issuer: ISSUER, audience: AUDIENCE, tenant: TENANT }),
    onError: (error: unknown) => logged.push(error),
    model,
  });
  const app = createServerApp({
    chat: createChatHandler(chatOptions()),
    openai: createOpenAIChatHandler(chatOptions()),
    aiSdk: createAiSdkChatHandler(chatOptions()),
  });
  const server: Listening = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  return {
    url: server.url,
    logged,
    useAnswerer: (answerer) => {
      current = answerer ?? new ExtractiveAnswerer();
    },
    tokenFor: (email) => sign(privateKey, email),
    close: () => server.close(),
  };
}

function sign(key: CryptoKey, email: string): Promise<string> {
  return new SignJWT({ email })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(email)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(key);
}
