'use strict';
/**
 * A stand-in for the Cloud Function in unit tests: answers the contract from the rows of a FakeSheet.
 */

/** Rows that A1 ranges such as "2:5" or "B7" touch. */
function rowsOf(ranges) {
  const rows = new Set();
  for (const range of ranges) {
    const m = /^[A-Z]*(\d+)(?::[A-Z]*(\d+))?$/.exec(range);
    if (!m) throw new Error('fake function: bad range ' + range);
    for (let r = Number(m[1]); r <= Number(m[2] || m[1]); r++) rows.add(r);
  }
  return [...rows].sort((a, b) => a - b);
}

/**
 * @param {import('./fakes').FakeSheet} sheet the sheet: column A name, column B email
 * @param {{result?: (row: number, body: Object) => string, written?: boolean | ((row: number) => boolean),
 *     budget?: number, columns?: Object}} options result per row (default "Would send" in a dry run, else "ok");
 *     written: whether the function wrote the row itself; budget: rows handled per call, the rest in `remaining`
 * @return {(url: string, params: Object, body: Object) => {status: number, body: Object}} a fetch handler
 */
function fakeFunction(sheet, options = {}) {
  const columns = options.columns || { interview_url: 'D', result: 'E', profile_interview_id: 'F' };
  return (_url, _params, body) => {
    const all = rowsOf(body.ranges).filter((r) => r !== 1);
    const taken = options.budget ? all.slice(0, options.budget) : all;
    const left = all.slice(taken.length);
    const summary = { selected: taken.length, sent: 0, ok: 0, errors: 0, skipped: 0, pending: 0 };
    const rows = taken.map((row) => {
      const email = sheet.rowValues(row)[1];
      const result = options.result ? options.result(row, body) : body.dry_run ? 'Would send' : 'ok';
      const answer = { row, email, result, written: false };
      if (result === 'ok') {
        summary.sent++;
        summary.ok++;
        answer.interview_url = 'https://interview.example/' + row;
        answer.profile_interview_id = 'pi-' + row;
      } else if (result.startsWith('Error')) summary.errors++;
      else if (result.startsWith('Skipped')) summary.skipped++;
      else if (result.startsWith('Pending')) summary.pending++;
      const written = typeof options.written === 'function' ? options.written(row) : options.written !== false;
      answer.written = !body.dry_run && written;
      if (answer.written) {
        sheet.backend.write(row, 4, [[answer.interview_url || '', result, answer.profile_interview_id || '']]);
      }
      return answer;
    });
    return {
      status: 200,
      body: { summary, rows, columns, remaining: left.length ? left.map((r) => r + ':' + r) : [], dry_run: body.dry_run },
    };
  };
}

/** A sheet with a header row and `count` candidates in rows 2.., name in A and email in B. */
function candidateRows(count) {
  const rows = [['name', 'email', 'notes', 'interview_url', 'result', 'profile_interview_id']];
  for (let i = 1; i <= count; i++) rows.push(['Candidate ' + i, 'candidate' + i + '@example.com', '']);
  return rows;
}

module.exports = { fakeFunction, candidateRows, rowsOf };
