// Runtime configuration written beside the pages (/config.json): API and WebSocket URLs and the
// Cognito pool. The local stack serves it; `make publish-frontend` uploads it on AWS.
let loaded = null;

export function loadConfig(url = "/config.json") {
  if (!loaded) {
    loaded = fetch(url, { cache: "no-cache" }).then((response) => {
      if (!response.ok) throw new Error(`config: HTTP ${response.status}`);
      return response.json();
    });
  }
  return loaded;
}
