import { Embeddings } from "@langchain/core/embeddings";
import type { OpenAIEmbeddings, OpenAIEmbeddingsParams } from "@langchain/openai";
import { importOptional } from "../optional-dependency.js";

type OpenAIFields = Partial<OpenAIEmbeddingsParams> & {
  apiKey?: string;
  configuration?: { baseURL?: string };
};

/**
 * `OpenAIEmbeddings`, loaded on first use: `@langchain/openai` is an optional package that takes
 * most of a second to import, which every offline CLI run and test child would otherwise pay for nothing.
 */
export class LazyOpenAIEmbeddings extends Embeddings {
  private inner: Promise<OpenAIEmbeddings> | undefined;

  constructor(private readonly fields: OpenAIFields) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return (await this.load()).embedDocuments(texts);
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.load()).embedQuery(text);
  }

  private load(): Promise<OpenAIEmbeddings> {
    this.inner ??= importOptional("openai", () => import("@langchain/openai")).then(
      ({ OpenAIEmbeddings }) => new OpenAIEmbeddings(this.fields),
    );
    return this.inner;
  }
}
