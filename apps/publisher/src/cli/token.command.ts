import { parseArgs } from 'node:util';
import { z } from 'zod';
import { TokenVerifier } from '../auth/token-verifier';
import { MIN_AUTH_SECRET_LENGTH } from '../config/publisher.config';

export const TOKEN_USAGE =
  '  token [--sub NAME] [--ttl 12h|30m|3600s]   prints a client token for PUBLISHER_AUTH_SECRET';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
const MAX_TTL_SECONDS = 366 * 86_400;

const optionsSchema = z.object({
  sub: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'sub: 1–64 of A-Z a-z 0-9 . _ @ -'),
  ttl: z
    .string()
    .regex(/^\d{1,6}[smhd]$/, 'ttl: a number and a unit s, m, h or d (e.g. 12h)')
    .transform((s) => Number(s.slice(0, -1)) * UNIT_SECONDS[s.slice(-1)]!)
    .pipe(z.number().int().min(1, 'ttl must be positive').max(MAX_TTL_SECONDS, 'ttl: at most 366 days')),
  secret: z
    .string()
    .min(MIN_AUTH_SECRET_LENGTH, `PUBLISHER_AUTH_SECRET: at least ${MIN_AUTH_SECRET_LENGTH} characters`),
});

/** `token`: a signed HS256 JWT on stdout, for a dashboard user or a socket client. */
export async function runToken(args: readonly string[], env: NodeJS.ProcessEnv, now: Date): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { sub: { type: 'string', default: 'dashboard' }, ttl: { type: 'string', default: '12h' } },
    strict: true,
  });
  const parsed = optionsSchema.safeParse({ ...values, secret: env.PUBLISHER_AUTH_SECRET ?? '' });
  if (!parsed.success) {
    process.stderr.write(`publisher token: ${parsed.error.issues.map((i) => i.message).join('; ')}\n`);
    return 2;
  }
  const token = await new TokenVerifier(parsed.data.secret).sign(parsed.data.sub, parsed.data.ttl, now);
  process.stdout.write(`${token}\n`);
  return 0;
}
