"""frontend/shared in Chromium: Cognito sign-in from the browser, REST with the token, the socket."""

from __future__ import annotations

from typing import Any

SIGN_IN_AND_GO_ONLINE = """
async ([username, password]) => {
  const { loadConfig } = await import('/shared/config.js');
  const { CognitoAuth } = await import('/shared/auth.js');
  const { createApi } = await import('/shared/api.js');
  const { ChatSocket } = await import('/shared/socket.js');
  const config = await loadConfig();
  const auth = new CognitoAuth(config.cognito);
  const user = await auth.signIn(username, password);
  const api = createApi(config.api, () => auth.token());
  const me = await api.get('/me');
  const socket = new ChatSocket(config.websocket, () => auth.token());
  const status = new Promise((resolve) => socket.on('agent.status', resolve));
  socket.on('open', () => socket.send('status.set', { status: 'online' }));
  await socket.connect();
  const pushed = await status;
  socket.close();
  let refused = null;
  try { await new CognitoAuth(config.cognito).signIn(username, 'wrong-password'); }
  catch (error) { refused = error.code; }
  return { user, me, pushed, refused, stored: !!localStorage.getItem('livechat.session') };
}
"""


def test_sign_in_rest_and_socket_from_the_browser(stack: dict[str, Any], new_page: Any) -> None:
    page = new_page()
    page.goto(stack["base"] + "/")
    password = next(u["password"] for u in stack["demoUsers"] if u["username"] == "agent1@example.com")
    result = page.evaluate(SIGN_IN_AND_GO_ONLINE, ["agent1@example.com", password])
    assert result["user"]["groups"] == ["agents"]
    assert result["user"]["isAdmin"] is False
    assert result["me"]["email"] == "agent1@example.com"
    assert result["pushed"]["status"] == "online"
    assert result["refused"] == "NotAuthorizedException"
    assert result["stored"] is True


def test_text_is_never_html(stack: dict[str, Any], new_page: Any) -> None:
    page = new_page()
    page.goto(stack["base"] + "/")
    html = page.evaluate(
        """async () => {
          const { el } = await import('/shared/dom.js');
          return el('p', {class: 'x'}, '<img src=x onerror=alert(1)>', 1).outerHTML;
        }"""
    )
    assert html == '<p class="x">&lt;img src=x onerror=alert(1)&gt;1</p>'
