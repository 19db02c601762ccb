// Web-standard Request/Response helpers shared by the chat endpoint, the webhook receiver and the server.
export { readBodyLimited } from "./read-body.js";
