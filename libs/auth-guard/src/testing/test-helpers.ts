/** `{ authorization: 'Bearer <token>' }` for HTTP requests in tests. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** An RPC payload following the guard's convention: `{ headers: { authorization }, ...data }`. */
export function rpcPayload<T extends object>(token: string, data: T): T & { headers: { authorization: string } } {
  return { ...data, headers: { authorization: `Bearer ${token}` } };
}
