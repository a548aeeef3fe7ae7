// Cognito sign-in from the browser, as on AWS: InitiateAuth (USER_PASSWORD_AUTH) on the user pool's
// endpoint, NEW_PASSWORD_REQUIRED for invited users, REFRESH_TOKEN_AUTH before the ID token expires.
// Tokens live in localStorage so a reload and a second tab keep the session; the strict CSP of the
// pages is what keeps scripts from reading them.
const STORAGE_KEY = "livechat.session";
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function decodeJwt(token) {
  const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const json = decodeURIComponent(
    Array.from(atob(part), (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""),
  );
  return JSON.parse(json);
}

export class CognitoAuth {
  constructor(cognito) {
    this.cognito = cognito; // {region, userPoolId, clientId, endpoint}
    this.session = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
  }

  endpoint() {
    return this.cognito.endpoint || `https://cognito-idp.${this.cognito.region}.amazonaws.com/`;
  }

  async call(target, body) {
    const response = await fetch(this.endpoint(), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${target}`,
      },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const code = String(data.__type || "Error").split("#").pop();
      throw new AuthError(code, data.message || data.Message || code);
    }
    return data;
  }

  /** Returns {challenge, session} when Cognito asks for a new password, else the signed-in user. */
  async signIn(username, password) {
    const data = await this.call("InitiateAuth", {
      ClientId: this.cognito.clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    if (data.ChallengeName) return { challenge: data.ChallengeName, session: data.Session, username };
    return this.store(data.AuthenticationResult);
  }

  async completeNewPassword(challenge, newPassword) {
    const data = await this.call("RespondToAuthChallenge", {
      ClientId: this.cognito.clientId,
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.username, NEW_PASSWORD: newPassword },
    });
    return this.store(data.AuthenticationResult);
  }

  store(result) {
    const claims = decodeJwt(result.IdToken);
    this.session = {
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      refreshToken: result.RefreshToken || this.session?.refreshToken,
      expiresAt: claims.exp * 1000,
    };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(this.session));
    return this.user();
  }

  user() {
    if (!this.session) return null;
    const claims = decodeJwt(this.session.idToken);
    const groups = claims["cognito:groups"] || [];
    return {
      sub: claims.sub,
      email: claims.email || claims["cognito:username"],
      name: claims.name || claims.email || claims["cognito:username"],
      groups,
      isAdmin: groups.includes("admins"),
    };
  }

  /** A valid ID token, refreshed when close to expiry; null when signed out. */
  async token() {
    if (!this.session) return null;
    if (Date.now() < this.session.expiresAt - REFRESH_MARGIN_MS) return this.session.idToken;
    if (!this.session.refreshToken) return this.signOut();
    try {
      const data = await this.call("InitiateAuth", {
        ClientId: this.cognito.clientId,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: this.session.refreshToken },
      });
      this.store(data.AuthenticationResult);
      return this.session.idToken;
    } catch (error) {
      if (error instanceof AuthError) return this.signOut();
      throw error;
    }
  }

  signOut() {
    this.session = null;
    localStorage.removeItem(STORAGE_KEY);
    return null;
  }
}
