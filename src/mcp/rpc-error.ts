/**
 * A transport-level error as the SDK's transport writes them: a JSON-RPC error without an id, since
 * no call was read. `code` (Clearance's, e.g. `BODY_TOO_LARGE`) goes in the message's brackets, as
 * tools write theirs, and in `error.data` for a client that branches on it.
 */
export function rpcError(
  status: number,
  message: string,
  options: { code?: string; rpcCode?: number; headers?: Record<string, string> } = {},
): Response {
  const { code, rpcCode = -32000, headers = {} } = options;
  return Response.json(
    {
      jsonrpc: "2.0",
      error: {
        code: rpcCode,
        message: code ? `${message} [${code}]` : message,
        ...(code ? { data: { code } } : {}),
      },
      id: null,
    },
    { status, headers },
  );
}
