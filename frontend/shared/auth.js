// Cognito sign-in from the browser, as on AWS: InitiateAuth (USER_PASSWORD_AUTH) on the user pool's
// endpoint, then whatever challenge the pool asks for (NEW_PASSWORD_REQUIRED for invited users,
// SOFTWARE_TOKEN_MFA and MFA_SETUP once TOTP MFA is on), REFRESH_TOKEN_AUTH before the ID token expires.
// The screens for all of it are shared/signin.js.
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
    let response;
    try {
      response = await fetch(this.endpoint(), {
        method: "POST",
        headers: {
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": `AWSCognitoIdentityProviderService.${target}`,
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      // fetch rejects only when no answer came at all (offline, DNS, CORS, refused).
      throw new AuthError("NetworkError", String(error?.message || error));
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const code = String(data.__type || "Error").split("#").pop();
      throw new AuthError(code, data.message || data.Message || code);
    }
    return data;
  }

  /**
   * The signed-in user, or a challenge `{challenge, session, username, parameters}` when Cognito asks
   * for more (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP, …): answer it with the methods below.
   */
  async signIn(username, password) {
    const data = await this.call("InitiateAuth", {
      ClientId: this.cognito.clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    return this.outcome(data, username);
  }

  outcome(data, username) {
    if (data.ChallengeName) {
      return { challenge: data.ChallengeName, session: data.Session, username, parameters: data.ChallengeParameters || {} };
    }
    return this.store(data.AuthenticationResult);
  }

  async respond(challenge, name, responses, session = challenge.session) {
    const data = await this.call("RespondToAuthChallenge", {
      ClientId: this.cognito.clientId,
      ChallengeName: name,
      Session: session,
      ChallengeResponses: { USERNAME: challenge.username, ...responses },
    });
    return this.outcome(data, challenge.username);
  }

  /** NEW_PASSWORD_REQUIRED → the user, or the next challenge (MFA_SETUP when the pool requires MFA). */
  completeNewPassword(challenge, newPassword) {
    return this.respond(challenge, "NEW_PASSWORD_REQUIRED", { NEW_PASSWORD: newPassword });
  }

  /** SOFTWARE_TOKEN_MFA: the 6-digit code of the user's authenticator app. */
  answerSoftwareToken(challenge, code) {
    return this.respond(challenge, "SOFTWARE_TOKEN_MFA", { SOFTWARE_TOKEN_MFA_CODE: code });
  }

  /**
   * MFA_SETUP, step 1: a new TOTP secret for this user; returns {secret, session}. A challenge with
   * `signedIn` is an enrolment after sign-in (the API answered `mfa_required`): the access token
   * stands for the user instead of a sign-in session.
   */
  async associateSoftwareToken(challenge) {
    const who = challenge.signedIn ? { AccessToken: await this.accessToken() } : { Session: challenge.session };
    const data = await this.call("AssociateSoftwareToken", who);
    return { secret: data.SecretCode, session: data.Session || challenge.session };
  }

  /** MFA_SETUP, step 2: the first code proves the app holds the secret; then the session is finished
   * (after sign-in: the app becomes the user's preferred MFA, and the user stays signed in). */
  async verifySoftwareToken(challenge, session, code, deviceName) {
    const who = challenge.signedIn ? { AccessToken: await this.accessToken() } : { Session: session };
    const data = await this.call("VerifySoftwareToken", { ...who, UserCode: code, FriendlyDeviceName: deviceName });
    if (data.Status !== "SUCCESS") throw new AuthError("CodeMismatchException", "software token not verified");
    if (challenge.signedIn) {
      await this.call("SetUserMFAPreference", { ...who, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } });
      return this.user();
    }
    return this.respond(challenge, "MFA_SETUP", {}, data.Session || session);
  }

  /** The access token (Cognito's own user APIs take it), refreshed with the ID token. */
  async accessToken() {
    await this.token();
    if (!this.session) throw new AuthError("NotAuthorizedException", "signed out");
    return this.session.accessToken;
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
      // Supervisors (issue #24) and admins watch live chats, whisper and take over (docs/security.md).
      supervises: groups.includes("supervisors") || groups.includes("admins"),
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
