'use strict';
/**
 * End to end: the menu handlers run in Node against the real Cloud Function (functions-framework) and the
 * Python sandbox's Sheets API v4 stand-in, through fakes whose UrlFetchApp makes real HTTP calls and whose
 * SpreadsheetApp reads and writes the stand-in over HTTP.
 *
 * The Python side starts the servers, seeds the sheet, and runs `npm run test:e2e` with:
 *   E2E_FUNCTION_URL    URL of the function under functions-framework
 *   E2E_SHORT_BUDGET_FUNCTION_URL  URL of the same function started with BATCH_SIZE=2, CONCURRENCY=1 and
 *                       DEADLINE_SECONDS=2, before a JobMojito that takes 1 s a batch, so that 12
 *                       rows need `remaining` continuations
 *   E2E_SHEETS_API_URL  base URL of the Sheets API stand-in (requests go to {base}/v4/spreadsheets/...)
 *   E2E_SPREADSHEET_ID  the seeded spreadsheet
 *   E2E_SHEET_TITLE     its tab of candidates
 *   E2E_ID_TOKEN        an identity token the function accepts (what ScriptApp.getIdentityToken() returns)
 *   E2E_ACCESS_TOKEN    an OAuth token the stand-in accepts for the spreadsheet (ScriptApp.getOAuthToken())
 *   E2E_SPREADSHEETAPP_TOKEN  optional: the token the fake SpreadsheetApp reads and writes the stand-in with. Real
 *                       SpreadsheetApp calls do not spend the recruiter's Sheets API quota; with a token of its own,
 *                       the harness does not either (default: E2E_ACCESS_TOKEN)
 *   E2E_INTERVIEW_ID    an interview ID the JobMojito stand-in knows
 *   E2E_INTERVIEWS_TITLE, E2E_WORLD_URL  the tab of issue 11's tests, and a control server that moves candidates
 *                       on in the JobMojito stand-in (POST {"do": "start"|"complete"|"decide"|"enrol"|"reject",
 *                       "email", …}) and gives a fresh minute of Sheets quota ({"do": "fresh_quota"}). Set by the Python side, which checks that those 4 tests ran (10 in all);
 *                       mock-world.js, which has no JobMojito, leaves them out and runs the first 6.
 * Seeded tab: a header row in row 1 with an email column, then at least 324 candidates in rows 2-325,
 * each with a name and a distinct valid email, none registered yet and no results in the sheet.
 * Rows 2-301 are for the runs in parts, rows 302-313 for the run through the short-budget function, rows 314-325
 * for the run that stops before Apps Script's time limit and the run that continues it.
 * The Interviews tab: a header row (Name, Email) and 10 candidates e2e.status1-4, e2e.personal1-4 and e2e.trial1-2
 * @example.com in rows 2-11, none known to JobMojito.
 * Without these variables the test fails: it must never pass without having run.
 *
 * The script runs on a real clock with Apps Script's real limits, enforced by the harness (fakes.js): an
 * execution ends at 6 minutes, a fetch at 60 s (the blocking HTTP request is given that timeout). Waits the
 * function asks for (`retry_after_seconds`, when the Sheets stand-in's quota runs out) are real waits.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet, Button, realClock } = require('./fakes');
const { syncRequest } = require('./sync-http');
const { SheetsHttpBackend } = require('./sheets-http');

const REQUIRED = [
  'E2E_FUNCTION_URL',
  'E2E_SHORT_BUDGET_FUNCTION_URL',
  'E2E_SHEETS_API_URL',
  'E2E_SPREADSHEET_ID',
  'E2E_SHEET_TITLE',
  'E2E_ID_TOKEN',
  'E2E_ACCESS_TOKEN',
  'E2E_INTERVIEW_ID',
];
const missing = REQUIRED.filter((name) => !process.env[name]);

if (missing.length) {
  test('the end-to-end environment is set', () => {
    assert.fail(
      'The end-to-end test needs the servers of the Python sandbox; missing environment variables: ' +
        missing.join(', ') + '. Run it through the Python side (make test), which starts the servers and sets them.',
    );
  });
} else {
  const env = process.env;
  const backend = new SheetsHttpBackend({
    baseUrl: env.E2E_SHEETS_API_URL,
    spreadsheetId: env.E2E_SPREADSHEET_ID,
    title: env.E2E_SHEET_TITLE,
    token: env.E2E_SPREADSHEETAPP_TOKEN || env.E2E_ACCESS_TOKEN,
  });
  const sheet = new FakeSheet({ name: env.E2E_SHEET_TITLE, sheetId: backend.sheetId(), backend });
  const spreadsheet = new FakeSpreadsheet({ id: env.E2E_SPREADSHEET_ID, sheets: [sheet] });
  /** Shared by the runs, like a Sheet's document properties; CHUNK_SIZE makes 300 rows take 3 calls. */
  const properties = {
    FUNCTION_URL: env.E2E_FUNCTION_URL,
    INTERVIEW_ID: env.E2E_INTERVIEW_ID,
    HIDE_MENU: 'false',
    CHUNK_SIZE: '100',
  };

  /**
   * Loads the script with fakes that call the real function, on a real clock with Apps Script's limits; every
   * answer is kept in `answers`.
   * @param {Object=} overrides document properties that differ from `properties` for this run
   */
  function script(overrides) {
    const answers = [];
    const run = loadScript({
      spreadsheet,
      properties: { ...properties, ...overrides },
      identityToken: env.E2E_ID_TOKEN,
      oauthToken: env.E2E_ACCESS_TOKEN,
      clock: realClock(),
      fetch: (url, params, _body, { timeoutMs }) => {
        const headers = { ...params.headers, 'Content-Type': params.contentType };
        const answer = syncRequest({ method: params.method.toUpperCase(), url, headers, body: params.payload, timeoutMs });
        answers.push({ status: answer.status, body: JSON.parse(answer.text) });
        return { status: answer.status, body: answer.text, headers: answer.headers };
      },
    });
    return { ...run, answers };
  }

  /**
   * The run's confirmation without the sentence that the dry run's `credits` (the JobMojito balance) adds after the
   * question: the stand-in's balance is not the test's to know, and a function older than `credits` adds none.
   */
  function question(run) {
    const prompt = run.ui.alerts[0].prompt;
    const dryRun = run.answers.filter((a) => a.status === 200 && a.body.dry_run === true).at(-1);
    const asked = /^(?:Generate|Send) ([\d,]+) /.exec(prompt);
    if (!dryRun || !asked || !('credits' in dryRun.body)) return prompt;
    const messages = loadScript().context; // the script's pure sentences, outside the run's executions
    const sentence = messages.creditsSentence(Number(asked[1].replace(/,/g, '')), messages.readCredits(dryRun.body));
    return sentence ? prompt.replace(' ' + sentence, '') : prompt;
  }

  /**
   * Checks that every answer was a 200, or Google's quota asking for a wait (`429 sheets_quota_exceeded` with
   * `retry_after_seconds`), which the script waited for instead of showing it.
   */
  function assertAnswered(run) {
    const quota = (a) => a.status === 429 && a.body.error.code === 'sheets_quota_exceeded' && a.body.retry_after_seconds >= 0;
    const other = run.answers.find((a) => a.status !== 200 && !quota(a));
    assert.equal(other, undefined, JSON.stringify(other));
    assert.equal(run.sleeps.length >= run.answers.filter(quota).length, true, 'each quota answer was waited for');
  }

  /**
   * Checks that no execution met Apps Script's limit (the script always stopped by itself), and reports each
   * execution's time and the waits the function asked for in the test's output.
   */
  function assertWithinLimits(run, t) {
    for (const execution of run.executions) {
      assert.equal(execution.error, undefined, execution.function + ' ended with ' + execution.error);
      assert.ok(execution.endedAt - execution.startedAt < run.limits.executionMs);
      if (t) {
        const waits = run.sleeps.length ? ', waited ' + run.sleeps.map((ms) => ms / 1000 + ' s').join(' + ') + ' as asked' : '';
        t.diagnostic(execution.function + ': ' + (execution.endedAt - execution.startedAt) / 1000 + ' s of 360, ' + run.fetches.length + ' calls' + waits);
      }
    }
  }

  /** Row values by column letter, for the columns the function announced. */
  function resultsOf(columns, first, last) {
    const grid = backend.read();
    const col = (letter) => letter.charCodeAt(0) - 65;
    const out = [];
    for (let row = first; row <= last; row++) {
      const line = grid[row - 1] || [];
      out.push({
        row,
        result: line[col(columns.result)] || '',
        interview_url: line[col(columns.interview_url)] || '',
      });
    }
    return out;
  }

  /**
   * Checks that a phase (dry or real) started one call per chunk of CHUNK_SIZE rows, in order; calls for
   * `remaining` ranges of an answer may come in between, and no call has more than 100 rows.
   */
  function assertChunked(bodies, chunks) {
    const rowCount = (ranges) => ranges.reduce((n, r) => n + Number(r.split(':')[1]) - Number(r.split(':')[0]) + 1, 0);
    for (const body of bodies) assert.ok(rowCount(body.ranges) <= 100, JSON.stringify(body.ranges));
    const starts = bodies.map((b) => b.ranges.join(',')).filter((r) => chunks.includes(r));
    assert.deepEqual(starts, chunks);
  }

  let columns;
  let firstUrls;

  test('the seeded sheet has a header and 324 candidates', () => {
    const grid = backend.read();
    assert.ok(grid.length >= 325, 'expected at least 324 candidate rows, found ' + (grid.length - 1));
    assert.ok(grid[0].some((h) => /e-?mail/i.test(h)), 'row 1 has an email header: ' + JSON.stringify(grid[0]));
  });

  test('Generate interview links for 200 rows: dry run and real run in parts of 100 (CHUNK_SIZE), results in the sheet', (t) => {
    sheet.select(['A2:B201']);
    const run = script();
    run.context.generateInterviewLinks();
    const bodies = run.fetches.map((f) => f.body);
    assertChunked(bodies.filter((b) => b.dry_run), ['2:101', '102:201']);
    assertChunked(bodies.filter((b) => !b.dry_run), ['2:101', '102:201']);
    assertAnswered(run);
    assert.equal(question(run), 'Generate 200 interview links?');
    assert.equal(run.spreadsheet.toasts.at(-1).msg, '200 of 200 done…');
    assert.match(run.ui.alerts.at(-1).prompt, /^Done: 200 interview links created\./);
    assertWithinLimits(run, t);
    columns = run.answers.at(-1).body.columns;
    const results = resultsOf(columns, 2, 301);
    for (const r of results.slice(0, 200)) {
      assert.equal(r.result, 'ok', 'row ' + r.row);
      assert.match(r.interview_url, /^https?:\/\//, 'row ' + r.row);
    }
    for (const r of results.slice(200)) assert.equal(r.result, '', 'row ' + r.row + ' was not selected');
    firstUrls = results.slice(0, 200).map((r) => r.interview_url);
    spreadsheet.toasts.length = 0;
  });

  test('a rerun on 300 rows skips the 200 already done and does the other 100', (t) => {
    sheet.select(['2:301']);
    const run = script();
    run.context.generateInterviewLinks();
    const bodies = run.fetches.map((f) => f.body);
    assertChunked(bodies.filter((b) => b.dry_run), ['2:101', '102:201', '202:301']);
    assertChunked(bodies.filter((b) => !b.dry_run), ['2:101', '102:201', '202:301']);
    assert.equal(question(run), 'Generate 100 interview links? 200 rows are skipped because they are already registered.');
    assert.match(run.ui.alerts.at(-1).prompt, /^Done: 100 interview links created\. 200 rows were skipped\./);
    assertWithinLimits(run, t);
    const results = resultsOf(columns, 2, 301);
    assert.deepEqual(results.slice(0, 200).map((r) => r.interview_url), firstUrls, 'links of the first run are kept');
    for (const r of results.slice(200)) {
      assert.equal(r.result, 'ok', 'row ' + r.row);
      assert.match(r.interview_url, /^https?:\/\//, 'row ' + r.row);
    }
  });

  test('a third run finds nothing new; declining to force sends nothing and changes nothing', () => {
    const before = backend.read();
    sheet.select(['2:301']);
    const run = script();
    run.ui.answers.push(Button.NO);
    run.context.generateInterviewLinks();
    assert.match(
      run.ui.alerts[0].prompt,
      /^Nothing new to send in the selection\. 300 rows are skipped because they are already registered\./,
    );
    assert.equal(run.fetches.filter((f) => !f.body.dry_run).length, 0);
    assert.deepEqual(backend.read(), before);
  });

  test('12 rows through a function whose time runs out: `remaining` continuations, each row counted once', (t) => {
    sheet.select(['A302:B313']);
    const run = script({ FUNCTION_URL: env.E2E_SHORT_BUDGET_FUNCTION_URL });
    run.context.generateInterviewLinks();
    assertAnswered(run);
    const real = run.answers.filter((a) => a.body.dry_run === false);
    assert.ok(real.length >= 2, 'the function left rows in `remaining` at least once: ' + real.length + ' real call(s)');
    assert.ok(real[0].body.remaining.length > 0, 'the first real answer has `remaining` ranges');
    assert.equal(question(run), 'Generate 12 interview links?');
    assert.equal(
      run.ui.alerts.at(-1).prompt,
      'Done: 12 interview links created. The result column tells what happened to each row.',
    );
    for (const r of resultsOf(columns, 302, 313)) {
      assert.equal(r.result, 'ok', 'row ' + r.row);
      assert.match(r.interview_url, /^https?:\/\//, 'row ' + r.row);
    }
    assertWithinLimits(run, t);
  });

  test('a run whose 6 minutes run short stops by itself, says how many rows are done, and a rerun continues', (t) => {
    sheet.select(['A314:B325']);
    const first = script({ FUNCTION_URL: env.E2E_SHORT_BUDGET_FUNCTION_URL });
    // The recruiter answers the confirmation when 91 s of the 6 minutes are left: one call starts (one batch of 2
    // rows; JobMojito takes 1 s), then less than the 90 s a call needs remains.
    first.ui.answers.push({ button: Button.OK, leftMs: 91_000 });
    first.context.generateInterviewLinks();
    assertWithinLimits(first, t);
    // (Should the Sheets stand-in's quota make that call answer with a wait, the run stops for that instead,
    // saying so: the wait does not fit either.)
    const stopped = /^Stopped (?:before the Apps Script time limit \(6 minutes, dialogs included\) with|with) (\d+) of 12 rows done[.:]/
      .exec(first.ui.alerts.at(-1).prompt);
    assert.ok(stopped, first.ui.alerts.at(-1).prompt);
    const done = Number(stopped[1]);
    assert.equal(first.fetches.filter((f) => !f.body.dry_run).length, 1, 'one real call started');
    assert.ok(done < 12, 'the run stopped part-way: ' + done + ' of 12');
    t.diagnostic('stopped with ' + done + ' of 12 rows done');
    assert.match(first.ui.alerts.at(-1).prompt, /run it again on the same selection to continue \(rows already done are skipped\)/);

    const again = script({ FUNCTION_URL: env.E2E_SHORT_BUDGET_FUNCTION_URL });
    again.context.generateInterviewLinks();
    assertWithinLimits(again, t);
    const skipped = done ? ' ' + done + (done === 1 ? ' row was' : ' rows were') + ' skipped.' : '';
    assert.equal(
      again.ui.alerts.at(-1).prompt,
      'Done: ' + (12 - done) + ' interview links created.' + skipped + ' The result column tells what happened to each row.',
    );
    for (const r of resultsOf(columns, 314, 325)) {
      assert.equal(r.result, 'ok', 'row ' + r.row);
      assert.match(r.interview_url, /^https?:\/\//, 'row ' + r.row);
    }
  });

  // --- issue 11: Refresh interview status, Send personal invitations…, test mode, the hourly trigger -------------

  if (env.E2E_WORLD_URL && env.E2E_INTERVIEWS_TITLE) {
    const interviewsBackend = new SheetsHttpBackend({
      baseUrl: env.E2E_SHEETS_API_URL,
      spreadsheetId: env.E2E_SPREADSHEET_ID,
      title: env.E2E_INTERVIEWS_TITLE,
      token: env.E2E_SPREADSHEETAPP_TOKEN || env.E2E_ACCESS_TOKEN,
    });
    const interviews = new FakeSheet({ name: env.E2E_INTERVIEWS_TITLE, sheetId: interviewsBackend.sheetId(), backend: interviewsBackend });
    spreadsheet.sheets.push(interviews);
    const email = (kind, n) => 'e2e.' + kind + n + '@example.com';

    /** What happens in JobMojito meanwhile: a candidate starts, completes, is decided on, is enrolled elsewhere. */
    function jobmojito(order) {
      const answer = syncRequest({
        method: 'POST',
        url: env.E2E_WORLD_URL,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(order),
      });
      assert.equal(answer.status, 200, answer.text);
    }

    /** The Interviews tab's cells of `row` under the headers `names` (as the Sheet shows them). */
    function cells(row, names) {
      const grid = interviewsBackend.read();
      return names.map((name) => (grid[row - 1] || [])[grid[0].indexOf(name)] || '');
    }
    const STATUS = ['interview_status', 'score', 'decision', 'status_updated'];

    /** Selects rows of the Interviews tab and makes it the active one, as the recruiter does. */
    function select(ranges) {
      interviews.select(ranges);
      spreadsheet.active = interviews;
    }

    test('Refresh interview status after the candidates moved on in JobMojito: the status cells and the closing dialog', (t) => {
      jobmojito({ do: 'fresh_quota' }); // as each test of the suite starts (the first part spent the minute's)
      select(['2:5']);
      const invite = script();
      invite.context.generateInterviewLinks();
      assertAnswered(invite);
      assert.match(invite.ui.alerts.at(-1).prompt, /^Done: 4 interview links created\./);
      jobmojito({ do: 'complete', email: email('status', 1), score: 87 });
      jobmojito({ do: 'decide', email: email('status', 1), decision: 'selected' });
      jobmojito({ do: 'start', email: email('status', 2) });

      const run = script();
      run.context.refreshInterviewStatus();
      assertAnswered(run);
      assertWithinLimits(run, t);
      assert.deepEqual(run.fetches.map((f) => [f.body.action, f.body.sheet_id, f.body.ranges]), [['status', interviews.getSheetId(), ['2:5']]]);
      assert.equal(run.ui.alerts.length, 1, 'no question: a refresh spends nothing');
      assert.equal(run.ui.alerts[0].title, 'JobMojito');
      assert.equal(
        run.ui.alerts[0].prompt,
        'Done: 4 rows refreshed. Interviews: 1 completed, 1 started, 2 not started. Decisions: 1 selected, 0 rejected, ' +
          '0 undecided. 4 rows changed.',
      );
      assert.deepEqual(cells(2, STATUS.slice(0, 3)), ['completed', '87', 'selected']);
      assert.deepEqual(cells(3, STATUS.slice(0, 3)), ['started', '', '']);
      assert.deepEqual(cells(4, STATUS.slice(0, 3)), ['invited', '', '']);
      assert.match(cells(2, ['status_updated'])[0], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.deepEqual(cells(6, STATUS), ['', '', '', ''], 'rows not selected are untouched');

      const again = script();
      again.context.refreshInterviewStatus();
      assert.match(again.ui.alerts[0].prompt, /^Done: 4 rows refreshed\. .* No row changed\.$/);
    });

    test('Send personal invitations… through its dialog: Invited, Activated, already invited and an error; a rerun sends nothing', (t) => {
      jobmojito({ do: 'enrol', email: email('personal', 2), interview_id: '5c0ffee0-1a2b-4c3d-8e4f-0000000000e2' });
      jobmojito({ do: 'enrol', email: email('personal', 3) });
      jobmojito({ do: 'reject', email: email('personal', 4), result: 'Error: this candidate cannot be invited' });
      select(['A6:B9']);
      const run = script({ MOJITO_LANGUAGE_CODE: 'fr' });
      run.context.sendPersonalInvitations();
      assert.equal(run.ui.dialogs.length, 1);
      assert.equal(run.ui.dialogs[0].title, 'Send personal invitations');
      assert.match(run.ui.dialogs[0].userInterface.getContent(), /4 selected rows[\s\S]*Settings \(fr\)/);
      assert.equal(run.fetches.length, 0, 'nothing is called before the message is sent');
      // The dialog's Send button: google.script.run.sendPersonalInvitationsWithMessage(the text typed).
      assert.equal(run.context.sendPersonalInvitationsWithMessage('  We enjoyed your application.\nTalk soon!  '), true);
      assertAnswered(run);
      assertWithinLimits(run, t);
      const bodies = run.fetches.map((f) => f.body);
      assert.deepEqual(bodies.map((b) => [b.type, b.dry_run, b.message_from_recruiter, b.mojito_language_code]), [
        ['personal_invitation', true, 'We enjoyed your application.\nTalk soon!', 'fr'],
        ['personal_invitation', false, 'We enjoyed your application.\nTalk soon!', 'fr'],
      ]);
      assert.equal(question(run), 'Send 4 personal invitations? JobMojito emails each candidate your message.');
      assert.equal(
        run.ui.alerts.at(-1).prompt,
        'Done: 2 personal invitations emailed by JobMojito. 1 row has an error. 1 row was skipped. Its candidate ' +
          'already had this interview: JobMojito sent nothing and no invitation was used for it. The result column ' +
          'tells what happened to each row.',
      );
      const columns = run.answers.at(-1).body.columns;
      const results = [6, 7, 8, 9].map((row) => interviewsBackend.read()[row - 1][columns.result.charCodeAt(0) - 65]);
      assert.deepEqual(results, [
        'Invited: JobMojito emailed the invitation',
        'Activated: JobMojito emailed the invitation (the candidate already had a profile)',
        'Skipped: already invited; JobMojito sent nothing',
        'Error: this candidate cannot be invited',
      ]);

      const rerun = script({ MOJITO_LANGUAGE_CODE: 'fr' });
      rerun.ui.answers.push(Button.CANCEL);
      rerun.context.sendPersonalInvitationsWithMessage('Again?');
      assert.match(rerun.ui.alerts[0].prompt, /^Send 1 personal invitation\? .*3 rows are skipped because they are already registered\./);
      assert.equal(rerun.fetches.filter((f) => !f.body.dry_run).length, 0, 'cancelled: nothing sent');
    });

    test('test mode: Generate interview links sends is_test; the rows say ok (test) and every dialog says TEST MODE', (t) => {
      select(['10:11']);
      const run = script({ TEST_MODE: 'true' });
      run.context.generateInterviewLinks();
      assertAnswered(run);
      assertWithinLimits(run, t);
      assert.deepEqual(run.fetches.map((f) => f.body.is_test), [true, true]);
      assert.deepEqual(run.answers.map((a) => a.body.is_test), [true, true]);
      assert.equal(run.ui.alerts.length, 2);
      for (const alert of run.ui.alerts) {
        assert.equal(alert.title, 'JobMojito (TEST MODE)');
        assert.match(alert.prompt, /^TEST MODE: sent as a test; JobMojito accepts draft interviews/);
      }
      assert.match(run.ui.alerts[0].prompt, /Generate 2 interview links\?/);
      assert.match(run.ui.alerts[1].prompt, /Done: 2 interview links created\./);
      const columns = run.answers.at(-1).body.columns;
      for (const row of [10, 11]) {
        const line = interviewsBackend.read()[row - 1];
        assert.equal(line[columns.result.charCodeAt(0) - 65], 'ok (test)', 'row ' + row);
        assert.match(line[columns.interview_url.charCodeAt(0) - 65], /^https?:\/\//);
      }
    });

    test('the hourly trigger, fired once, refreshes the tab with status columns (only it) and records its run', (t) => {
      jobmojito({ do: 'complete', email: email('status', 3), score: 55 });
      jobmojito({ do: 'decide', email: email('status', 3), decision: 'rejected' });
      select(['A2']);
      const run = script();
      run.context.turnOnHourlyRefresh();
      assert.match(run.ui.alerts[0].prompt, /^Hourly status refresh is on: /);
      const triggers = run.triggers.all();
      assert.equal(triggers.length, 1);
      run.fireTrigger(triggers[0].id);
      assertAnswered(run);
      assertWithinLimits(run, t);
      assert.deepEqual(
        run.fetches.map((f) => [f.body.action, f.body.sheet_id, f.body.ranges]),
        [['status', interviews.getSheetId(), ['2:11']]],
        'the first tab has no interview_status column: it is left alone',
      );
      assert.equal(run.ui.alerts.length, 1, 'the trigger shows nothing');
      assert.deepEqual(cells(4, STATUS.slice(0, 3)), ['completed', '55', 'rejected']);
      assert.deepEqual(cells(6, STATUS.slice(0, 1)), ['invited']);
      // A test registration is not a result outside test mode: a row whose profile_interview_id names only a test
      // result belongs to no result of the interview (other_interview), and is left alone.
      assert.deepEqual(cells(10, STATUS), ['', '', '', '']);
      const outcome = JSON.parse(run.documentProperties.getProperty('HOURLY_REFRESH_LAST_OUTCOME'));
      assert.deepEqual({ rows: outcome.rows, tabs: outcome.tabs, error: outcome.error, stopped: outcome.stopped },
        { rows: 10, tabs: 1, error: '', stopped: false });
      assert.ok(outcome.changed >= 1, JSON.stringify(outcome));
      assert.match(run.context.getHourlyRefreshState().text, /Last run .*: 10 rows in 1 tab, \d+ changed\.$/);
    });
  }
}
