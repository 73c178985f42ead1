import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthError, bearerToken, TokenVerifier } from './token-verifier';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const OTHER_SECRET = 'another-secret-that-is-long-enough-987654321';
const NOW = new Date('2026-01-05T14:30:00Z');
const HOUR = 3600;

async function refusal(verifier: TokenVerifier, token: unknown): Promise<string> {
  try {
    await verifier.verify(token);
  } catch (error) {
    assert.ok(error instanceof AuthError);
    return error.code;
  }
  assert.fail('the token was accepted');
}

describe('TokenVerifier', () => {
  const verifier = new TokenVerifier(SECRET);

  it('accepts a token it signed and names the client by its sub', async () => {
    const token = await verifier.sign('alice', HOUR, new Date());
    assert.equal((await verifier.verify(token)).name, 'alice');
  });

  it('refuses a missing, malformed, foreign or expired token with its code', async () => {
    assert.equal(await refusal(verifier, undefined), 'AUTH_MISSING');
    assert.equal(await refusal(verifier, ''), 'AUTH_MISSING');
    assert.equal(await refusal(verifier, 42), 'AUTH_INVALID');
    assert.equal(await refusal(verifier, 'not.a.jwt'), 'AUTH_INVALID');
    const foreign = await new TokenVerifier(OTHER_SECRET).sign('mallory', HOUR, new Date());
    assert.equal(await refusal(verifier, foreign), 'AUTH_INVALID');
    const expired = await verifier.sign('bob', HOUR, NOW);
    assert.equal(await refusal(verifier, expired), 'AUTH_EXPIRED');
  });

  it('reads the token of a Bearer header only', () => {
    assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(bearerToken(undefined), undefined);
    assert.equal(bearerToken('Basic dXNlcg=='), '');
  });
});
