// REST client: bearer token, JSON both ways, errors as ApiError {status, code, message} with the
// server's documented codes (docs/protocol.md#error-codes).
export class ApiError extends Error {
  constructor(status, code, message, field = undefined, body = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field; // invalid_field: which field (the server's name for it)
    // The whole error body: a 409 on a ticket carries `current` (the ticket as it is now), a CSV
    // import's 400 its per-row `errors`.
    this.body = body;
  }
}

export function createApi(baseUrl, getToken) {
  async function request(method, path, body) {
    const headers = { Accept: "application/json" };
    const token = await getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, "network", error.message);
    }
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiError(response.status, data?.code || "http", data?.message || response.statusText, data?.field, data);
    return data;
  }
  return {
    request,
    get: (path) => request("GET", path),
    post: (path, body = {}) => request("POST", path, body),
    put: (path, body = {}) => request("PUT", path, body),
    del: (path) => request("DELETE", path),
  };
}

/** `?a=1&b=x` from an object, skipping empty values. */
export function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return entries.length ? "?" + new URLSearchParams(entries).toString() : "";
}
