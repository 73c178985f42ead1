/** Stable codes of a refused token, as the socket error frame and the HTTP 401 body carry them. */
export type AuthErrorCode = 'AUTH_MISSING' | 'AUTH_INVALID' | 'AUTH_EXPIRED';

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export interface VerifiedClient {
  /** The token's `sub`: the client's name. */
  readonly name: string;
  readonly expiresAt: Date;
}

/** jose is ESM-only; this CommonJS build loads it once, lazily. */
const importJose = () => import('jose');
let jose: ReturnType<typeof importJose> | undefined;
const loadJose = (): ReturnType<typeof importJose> => (jose ??= importJose());

const ALGORITHM = 'HS256';
const MAX_TOKEN_LENGTH = 4096;

/**
 * Signs and verifies the clients' HS256 JWTs (`exp` required, `sub` the client's name), one secret for sockets and
 * HTTP alike.
 */
export class TokenVerifier {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** @throws AuthError with AUTH_MISSING, AUTH_INVALID or AUTH_EXPIRED */
  async verify(token: unknown): Promise<VerifiedClient> {
    if (token === undefined || token === null || token === '')
      throw new AuthError(
        'AUTH_MISSING',
        'no token: pass auth.token (socket) or Authorization: Bearer (HTTP)',
      );
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
      throw new AuthError('AUTH_INVALID', 'the token must be a string of at most 4096 characters');
    const { jwtVerify, errors } = await loadJose();
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        requiredClaims: ['exp', 'sub'],
      });
      return { name: payload.sub ?? '', expiresAt: new Date((payload.exp ?? 0) * 1000) };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AuthError('AUTH_EXPIRED', 'the token has expired');
      const reason = error instanceof Error ? error.message : 'unreadable token';
      throw new AuthError('AUTH_INVALID', `the token was refused: ${reason}`);
    }
  }

  /** A token for `subject`, valid for `ttlSeconds`. */
  async sign(subject: string, ttlSeconds: number, now: Date): Promise<string> {
    const { SignJWT } = await loadJose();
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(subject)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .sign(this.key);
  }
}

/** The token of an `Authorization: Bearer <token>` header; `undefined` when there is none. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? (header.trim() === '' ? undefined : '');
}
