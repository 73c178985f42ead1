import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { K8S_DIR } from './repo-paths';

const SCRIPT = join(K8S_DIR, 'scripts', 's3-server.sh');

/** The environment of a running local S3 server: AWS_ENDPOINT_URL, credentials, AWS_CONDITIONAL_PUT, LAKE_ROOT… */
export type S3Env = Readonly<Record<string, string>>;

/** Starts (or reuses) the local S3-compatible server of k8s/scripts/s3-server.sh in `dir`. */
export function startS3Server(dir: string): S3Env {
  const out = execFileSync(SCRIPT, ['start', '--dir', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const env = Object.fromEntries(
    out
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] as string, m[2] as string]),
  );
  for (const key of ['AWS_ENDPOINT_URL', 'LAKE_ROOT', 'S3_BUCKET']) {
    if (env[key] === undefined) throw new Error(`s3-server.sh start printed no ${key}:\n${out}`);
  }
  return env;
}

export function stopS3Server(dir: string): void {
  execFileSync(SCRIPT, ['stop', '--dir', dir], { stdio: 'inherit' });
}

/** Runs a Python script with the server's virtualenv (moto, deltalake, pyarrow) and the server's environment. */
export function runS3Python(script: string, env: S3Env, args: readonly string[] = []): string {
  return execFileSync(SCRIPT, ['python', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * Headers that make a request look signed. The test server checks no signatures, but routes a request by the
 * service in its credential scope; delta-rs signs for real.
 */
export function fakeSigV4Headers(env: S3Env): Record<string, string> {
  return {
    Authorization: `AWS4-HMAC-SHA256 Credential=${env['AWS_ACCESS_KEY_ID']}/20260101/${env['AWS_REGION']}/s3/aws4_request, SignedHeaders=host, Signature=00`,
    'x-amz-date': '20260101T000000Z',
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  };
}
