// Builds the binding in release mode into native/delta.node and regenerates native/native.d.ts from the
// Rust /// docs. It runs `cargo build --release` itself with the environment env.sh sets (the fixed
// CARGO_TARGET_DIR and CARGO_BUILD_TARGET shared with `cargo test`/`clippy`), so nothing it does changes a
// dependency's fingerprint and a warm rebuild only recompiles this crate. Type definitions come from the
// napi CLI's own generator fed by napi-derive's intermediate files, as `napi build` would produce them,
// from a fixed folder, so that an unchanged crate is not rebuilt.
// Usage: npm run build:native [-- --features s3]   (scripts/build-native.sh sets up the environment)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { generateTypeDef } from '@napi-rs/cli';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');
const CRATE = 'lakehouse-delta';
const LIB = `lib${CRATE.replaceAll('-', '_')}.so`;
const targetDir = process.env.CARGO_TARGET_DIR;
if (!targetDir) {
  console.error(
    'CARGO_TARGET_DIR is unset: run `source scripts/lib/env.sh` first (it pins the shared target dir)',
  );
  process.exit(1);
}
if (process.platform !== 'linux') {
  console.error(`this script expects Linux (${LIB}); got ${process.platform}`);
  process.exit(1);
}

const typeDefDir = join(targetDir, 'napi-type-def', CRATE);
mkdirSync(typeDefDir, { recursive: true });
const env = { ...process.env, NAPI_TYPE_DEF_TMP_FOLDER: typeDefDir };
if (!existsSync(join(typeDefDir, CRATE)))
  env[`NAPI_FORCE_BUILD_${CRATE.replaceAll('-', '_').toUpperCase()}`] = String(Date.now());

const cargo = spawnSync(
  'cargo',
  [
    'build',
    '--release',
    '--lib',
    '--manifest-path',
    join(PACKAGE, 'crate', 'Cargo.toml'),
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env,
  },
);
if (cargo.status !== 0) process.exit(cargo.status ?? 1);

const native = join(PACKAGE, 'native');
const staged = join(native, 'delta.tmp.node');
copyFileSync(join(targetDir, process.env.CARGO_BUILD_TARGET ?? '', 'release', LIB), staged);
// Symbols are most of the file (~200 MB → ~60 MB); stripping the copy leaves the cached build alone.
const strip = spawnSync('strip', ['--strip-unneeded', staged], { stdio: 'inherit' });
if (strip.status !== 0) console.warn('strip failed or is missing: keeping the unstripped binding');
renameSync(staged, join(native, 'delta.node'));

const { dts } = await generateTypeDef({ typeDefDir, cwd: PACKAGE, constEnum: false });
writeFileSync(join(native, 'native.d.ts'), dts);
console.log(`built ${join(native, 'delta.node')} and native.d.ts`);
