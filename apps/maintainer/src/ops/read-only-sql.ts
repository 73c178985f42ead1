import { MaintainerError } from '../maintainer-error';

/** Words that start or contain a statement other than a read: DDL, DML, COPY, session settings. */
const WRITE_KEYWORDS = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'CREATE',
  'DROP',
  'ALTER',
  'TRUNCATE',
  'COPY',
  'SET',
  'RESET',
  'PREPARE',
  'EXECUTE',
  'DEALLOCATE',
  'GRANT',
  'REVOKE',
  'VACUUM',
  'OPTIMIZE',
  'RESTORE',
  'CALL',
  'ATTACH',
  'INTO',
]);

/** The query's text with string literals, quoted identifiers and comments blanked out, so keywords can be found. */
function code(query: string): string {
  let out = '';
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    const next = query[i + 1];
    if (c === '-' && next === '-') {
      const end = query.indexOf('\n', i);
      i = end === -1 ? query.length : end;
      out += ' ';
    } else if (c === '/' && next === '*') {
      const end = query.indexOf('*/', i + 2);
      if (end === -1) throw new MaintainerError('QUERY_NOT_READ_ONLY', 'unterminated comment');
      i = end + 2;
      out += ' ';
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= query.length) throw new MaintainerError('QUERY_NOT_READ_ONLY', `unterminated ${c} quote`);
        if (query[j] === c && query[j + 1] === c) j += 2;
        else if (query[j] === c) break;
        else j += 1;
      }
      out += c === "'" ? "''" : '""';
      i = j + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/**
 * Accepts exactly one read-only query (`SELECT …` or `WITH … SELECT …`, one optional trailing `;`) and returns it
 * without the semicolon. Anything else — a second statement, DDL/DML, COPY, SET, `SELECT … INTO` — is refused with
 * `QUERY_NOT_READ_ONLY`. The check is lexical and errs on the side of refusing.
 */
export function assertReadOnlySelect(query: string): string {
  const stripped = code(query).trim();
  const withoutTrailing = stripped.replace(/;\s*$/, '');
  if (withoutTrailing.includes(';')) {
    throw new MaintainerError('QUERY_NOT_READ_ONLY', 'only one statement is allowed');
  }
  const words = withoutTrailing.toUpperCase().match(/[A-Z_][A-Z0-9_]*/g) ?? [];
  const first = words[0];
  if (first !== 'SELECT' && first !== 'WITH') {
    throw new MaintainerError(
      'QUERY_NOT_READ_ONLY',
      `only SELECT queries are allowed, got ${first ?? 'nothing'}`,
    );
  }
  const write = words.find((w) => WRITE_KEYWORDS.has(w));
  if (write !== undefined) {
    throw new MaintainerError('QUERY_NOT_READ_ONLY', `${write} is not allowed in a read-only query`);
  }
  return query.trim().replace(/;\s*$/, '');
}
