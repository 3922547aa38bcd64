'use strict';
/**
 * The hourly status refresh (Hourly.js): one trigger per Sheet, owned by the recruiter who turned it on; turned off
 * only by its owner; the handler refreshes only the tabs with status columns, records its run, and never shows UI.
 * Two recruiters of one Sheet are two loadScript calls sharing the document's properties and the project's triggers.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet, FakeProperties, FakeTriggerStore, virtualClock } = require('../fakes');
const { candidateRows, replay } = require('../fake-function');
const { statusFunction } = require('../status-answers');

const SETTINGS = { FUNCTION_URL: 'https://f.example/run', INTERVIEW_ID: 'iv-7' };
const ANN = 'ann@acme-hr.example';
const BOB = 'bob@acme-hr.example';

/** A tab of `count` candidates; with status columns when `status` is true (header in row `headerRow`). */
function tab(name, sheetId, count, status, headerRow = 1) {
  const rows = candidateRows(count);
  if (status) rows[0].push('interview_status', 'score', 'decision', 'status_updated');
  const padded = Array.from({ length: headerRow - 1 }, () => ['']).concat(rows);
  return new FakeSheet({ name, sheetId, rows: padded });
}

/**
 * One Sheet shared by recruiters: its tabs, document properties and the project's triggers; `as(user)` loads the
 * script as that recruiter (each with their own user properties), answered by the status function.
 */
function world(options = {}) {
  const sheets = options.spreadsheet
    ? options.spreadsheet.getSheets()
    : options.sheets || [tab('Candidates', 0, 4, true), tab('Notes', 7, 3, false)];
  const spreadsheet = options.spreadsheet || new FakeSpreadsheet({ id: 'ss-hourly', sheets });
  const documentProperties = new FakeProperties({ ...SETTINGS, ...options.properties });
  const triggers = new FakeTriggerStore();
  const clock = virtualClock();
  const userProperties = {};
  const fns = new Map(sheets.map((s) => [s.getSheetId(), statusFunction(s, options.functionOptions)]));
  const fetch = (url, params, body) => fns.get(body.sheet_id)(url, params, body);
  const as = (user) =>
    loadScript({
      spreadsheet,
      documentProperties,
      triggers,
      clock,
      user,
      userProperties: (userProperties[user] = userProperties[user] || new FakeProperties()),
      fetch: options.fetch || fetch,
    });
  return { spreadsheet, documentProperties, triggers, clock, as, sheets };
}

const lastPrompt = (env) => env.ui.alerts.at(-1).prompt;

test('turning on installs one hourly trigger owned by the recruiter, and records it in the document properties', () => {
  const w = world();
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  const all = w.triggers.all();
  assert.equal(all.length, 1);
  assert.deepEqual(
    [all[0].owner, all[0].handler, all[0].schedule],
    [ANN, 'refreshStatusHourly', { everyHours: 1 }],
  );
  const props = w.documentProperties.getProperties();
  assert.equal(props.HOURLY_REFRESH_OWNER, ANN);
  assert.equal(props.HOURLY_REFRESH_TRIGGER_ID, all[0].id);
  assert.equal(props.HOURLY_REFRESH_SINCE, '2026-01-05T09:00:00.000Z');
  assert.equal(ann.userProperties.getProperty('HOURLY_REFRESH_SPREADSHEET_' + all[0].id), 'ss-hourly');
  assert.match(lastPrompt(ann), /^Hourly status refresh is on: every hour, the interview status of every tab with an interview_status column is refreshed, with the access of ann@acme-hr\.example\./);
  assert.equal(ann.executions[0].error, undefined);
});

test('turning on twice adds no second trigger, by the owner or by another recruiter (who is told the owner)', () => {
  const w = world();
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  ann.context.turnOnHourlyRefresh();
  assert.equal(w.triggers.all().length, 1);
  assert.equal(lastPrompt(ann), 'Hourly status refresh is already on for this Sheet (you turned it on on 2026-01-05 09:00 UTC), so nothing was added.');
  const bob = w.as(BOB);
  bob.context.turnOnHourlyRefresh();
  assert.equal(w.triggers.all().length, 1);
  assert.equal(
    lastPrompt(bob),
    'Hourly status refresh is already on for this Sheet, turned on by ann@acme-hr.example; it refreshes with their ' +
      'access. Only one runs per Sheet, so nothing was added.',
  );
  assert.equal(w.documentProperties.getProperty('HOURLY_REFRESH_OWNER'), ANN);
});

test('turning off removes exactly its trigger; only its owner can, another recruiter is told who', () => {
  const w = world();
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  const bob = w.as(BOB);
  bob.context.turnOffHourlyRefresh();
  assert.equal(
    lastPrompt(bob),
    'Only ann@acme-hr.example, who turned on the hourly status refresh, can turn it off (Google lets only the owner of ' +
      'a trigger remove it). Ask them to choose Turn off hourly status refresh.',
  );
  assert.equal(w.triggers.all().length, 1);
  assert.equal(bob.executions[0].error, undefined);

  ann.context.turnOffHourlyRefresh();
  assert.deepEqual(w.triggers.all(), []);
  assert.equal(lastPrompt(ann), 'Hourly status refresh is off: its hourly trigger is removed.');
  assert.deepEqual(Object.keys(w.documentProperties.getProperties()).filter((k) => k.startsWith('HOURLY')), []);
  assert.deepEqual(ann.userProperties.getProperties(), {});

  ann.context.turnOffHourlyRefresh();
  assert.equal(lastPrompt(ann), 'Hourly status refresh is not on for this Sheet; there is nothing to turn off.');

  // Once off, anyone can turn it on: the new trigger is Bob's.
  bob.context.turnOnHourlyRefresh();
  assert.deepEqual(w.triggers.all().map((t) => t.owner), [BOB]);
});

test('a trigger the record lost (properties cleared by hand) is reused, not doubled', () => {
  const w = world();
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  const first = w.triggers.all()[0].id;
  for (const key of Object.keys(w.documentProperties.getProperties())) if (key.startsWith('HOURLY')) w.documentProperties.deleteProperty(key);
  ann.context.turnOnHourlyRefresh();
  assert.deepEqual(w.triggers.all().map((t) => t.id), [first]);
  assert.equal(w.documentProperties.getProperty('HOURLY_REFRESH_TRIGGER_ID'), first);
});

test('the hourly handler refreshes whole tabs that have the status columns, and only those', () => {
  const w = world({
    sheets: [tab('Candidates', 0, 4, true), tab('Notes', 7, 3, false), tab('Imported', 9, 2, true, 3), tab('Deep', 11, 2, true, 6)],
  });
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  w.clock.advance(3600_000);
  ann.fireTrigger(w.triggers.all()[0].id);
  assert.deepEqual(
    ann.fetches.map((f) => [f.body.sheet_id, f.body.ranges, f.body.action]),
    [[0, ['2:5'], 'status'], [9, ['2:5'], 'status']],
    'the tab without status columns and the one whose header is below row 5 are left alone',
  );
  assert.equal(ann.executions.at(-1).error, undefined);
});

test('the hourly handler records its last run (time, rows, changed); Settings shows it', () => {
  const w = world({ functionOptions: { status: (row) => (row === 3 ? 'unchanged' : 'changed') } });
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  assert.equal(
    ann.context.getHourlyRefreshState().text,
    'Hourly status refresh is on, turned on by ann@acme-hr.example on 2026-01-05 09:00 UTC. It has not run yet.',
  );
  w.clock.advance(3600_000);
  ann.fireTrigger(w.triggers.all()[0].id);
  assert.equal(w.documentProperties.getProperty('HOURLY_REFRESH_LAST_RUN'), '2026-01-05T10:00:00.000Z');
  assert.deepEqual(JSON.parse(w.documentProperties.getProperty('HOURLY_REFRESH_LAST_OUTCOME')), {
    rows: 4, changed: 3, tabs: 1, error: '', stopped: false,
  });
  // Anyone who opens Settings sees it.
  const state = w.as(BOB).context.getHourlyRefreshState();
  assert.deepEqual({ on: state.on, owner: state.owner }, { on: true, owner: ANN });
  assert.equal(
    state.text,
    'Hourly status refresh is on, turned on by ann@acme-hr.example on 2026-01-05 09:00 UTC. Last run 2026-01-05 10:00 ' +
      'UTC: 4 rows in 1 tab, 3 changed.',
  );
});

test('the hourly handler on the real function\'s answers: the recorded tab refreshed whole, its run recorded', () => {
  const scenario = replay('status_refresh');
  const w = world({ spreadsheet: scenario.spreadsheet, properties: scenario.properties, fetch: scenario.fetch });
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  w.clock.advance(3600_000);
  ann.fireTrigger(w.triggers.all()[0].id);
  assert.deepEqual(scenario.problems, []);
  assert.equal(scenario.answered(), 1, 'one call, the recorded first refresh of rows 2-10');
  // 9 rows answered; 4 changed and 2 settled (the other_interview, invalid and still_pending rows are not changes).
  assert.deepEqual(JSON.parse(w.documentProperties.getProperty('HOURLY_REFRESH_LAST_OUTCOME')), {
    rows: 9, changed: 6, tabs: 1, error: '', stopped: false,
  });
  assert.equal(ann.ui.alerts.length, 1, 'only turning on spoke');
  assert.doesNotMatch(ann.ui.alerts[0].prompt, /No tab has an interview_status column/, 'the recorded tab has one');
  assert.deepEqual(ann.spreadsheet.toasts, []);
  assert.equal(ann.executions.at(-1).error, undefined);
});

test('the hourly handler never shows UI: no dialog, no toast, even when the function answers an error', () => {
  const w = world({
    functionOptions: { error: () => ({ status: 403, body: { error: { code: 'user_not_allowed', message: 'Your Google account may not use this function.' } } }) },
  });
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  const alertsBefore = ann.ui.alerts.length;
  ann.fireTrigger(w.triggers.all()[0].id);
  const run = ann.executions.at(-1);
  assert.equal(run.trigger, true);
  assert.equal(run.error, undefined);
  assert.equal(ann.ui.alerts.length, alertsBefore);
  assert.deepEqual(ann.spreadsheet.toasts, []);
  assert.equal(
    JSON.parse(w.documentProperties.getProperty('HOURLY_REFRESH_LAST_OUTCOME')).error,
    'Tab "Candidates": Your Google account may not use this function.',
  );
  assert.match(ann.context.getHourlyRefreshState().text, /Last run 2026-01-05 09:00 UTC: Tab "Candidates": Your Google account may not use this function\.$/);
});

test('the handler waits as asked without a toast, and stops before 6 minutes, starting there next hour', () => {
  const w = world({
    sheets: [tab('A', 1, 4, true), tab('B', 2, 4, true)],
    functionOptions: { budget: 1, takesMs: 50_000, retryAfter: 5 },
  });
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  ann.fireTrigger(w.triggers.all()[0].id);
  assert.equal(ann.executions.at(-1).error, undefined, 'ended by itself, before Apps Script would end it');
  assert.deepEqual(ann.spreadsheet.toasts, []);
  assert.ok(ann.sleeps.length > 0);
  const outcome = JSON.parse(w.documentProperties.getProperty('HOURLY_REFRESH_LAST_OUTCOME'));
  assert.equal(outcome.stopped, true);
  assert.equal(w.documentProperties.getProperty('HOURLY_REFRESH_NEXT_SHEET_ID'), '2');
  assert.match(ann.context.getHourlyRefreshState().text, /stopped before the 6-minute limit, the next run goes on\.$/);
  const calls = ann.fetches.length;
  ann.fireTrigger(w.triggers.all()[0].id);
  assert.equal(ann.fetches[calls].body.sheet_id, 2, 'the next run starts with the tab left unfinished');
});

test('a trigger that is not the recorded one removes itself and refreshes nothing', () => {
  const w = world();
  const bob = w.as(BOB);
  bob.context.turnOnHourlyRefresh();
  const stray = w.triggers.all()[0].id;
  // The record now names another trigger (Ann's, say, after Bob's was forgotten).
  w.documentProperties.setProperties({ HOURLY_REFRESH_OWNER: ANN, HOURLY_REFRESH_TRIGGER_ID: 'trigger-elsewhere' });
  bob.fireTrigger(stray);
  assert.deepEqual(w.triggers.all(), []);
  assert.equal(bob.fetches.length, 0);
  assert.equal(w.documentProperties.getProperty('HOURLY_REFRESH_LAST_RUN'), null);
});

test('another run holding the lock: the hourly run is skipped and says so', () => {
  const w = world();
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  ann.lock.heldElsewhere = true;
  ann.fireTrigger(w.triggers.all()[0].id);
  assert.equal(ann.fetches.length, 0);
  assert.match(ann.context.getHourlyRefreshState().text, /Skipped: another JobMojito run was in progress in this Sheet\.$/);
});

test('turning on without a tab with status columns still turns on, and says how to get one', () => {
  const w = world({ sheets: [tab('Candidates', 0, 4, false)] });
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  assert.equal(w.triggers.all().length, 1);
  assert.match(lastPrompt(ann), /No tab has an interview_status column yet: choose Refresh interview status once/);
  ann.fireTrigger(w.triggers.all()[0].id);
  assert.equal(ann.fetches.length, 0);
  assert.match(ann.context.getHourlyRefreshState().text, /No tab has an interview_status column, so nothing was refreshed\.$/);
});

test('turning on without the settings installs nothing and opens Settings', () => {
  const w = world({ properties: { INTERVIEW_ID: '' } });
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  assert.deepEqual(w.triggers.all(), []);
  assert.equal(ann.ui.sidebars.length, 1);
});

test('in test mode the hourly refresh sends is_test too', () => {
  const w = world({ properties: { TEST_MODE: 'true' } });
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  ann.fireTrigger(w.triggers.all()[0].id);
  assert.equal(ann.fetches[0].body.is_test, true);
});

test('hourlyStateText when off', () => {
  const env = loadScript();
  assert.equal(env.context.getHourlyRefreshState().text, 'Hourly status refresh is off.');
});

test('a record whose trigger has not run for over 3 hours is stale: another recruiter may replace it or turn it off', () => {
  const w = world();
  const ann = w.as(ANN);
  ann.context.turnOnHourlyRefresh();
  ann.fireTrigger(w.triggers.all()[0].id);
  const bob = w.as(BOB);
  w.clock.advance(3 * 3600_000); // exactly 3 hours since Ann's last run: not yet stale
  bob.context.turnOnHourlyRefresh();
  assert.match(lastPrompt(bob), /already on for this Sheet, turned on by ann@acme-hr\.example/);
  w.clock.advance(60_000); // Ann's account is gone; her trigger stopped
  bob.context.turnOffHourlyRefresh();
  assert.equal(
    lastPrompt(bob),
    'Hourly status refresh is off. It was turned on by ann@acme-hr.example, but had not run for over 3 hours; if that ' +
      'trigger ever runs again, it removes itself.',
  );
  assert.equal(w.documentProperties.getProperty('HOURLY_REFRESH_TRIGGER_ID'), null);
  // Ann's trigger fires once more: not the recorded one, it removes itself and refreshes nothing.
  const annTrigger = w.triggers.all()[0].id;
  const calls = ann.fetches.length;
  ann.fireTrigger(annTrigger);
  assert.equal(ann.fetches.length, calls);
  assert.deepEqual(w.triggers.all(), []);
});

test('a stale record is replaced when another recruiter turns the refresh on: one recorded trigger, theirs', () => {
  const w = world();
  w.as(ANN).context.turnOnHourlyRefresh();
  w.clock.advance(4 * 3600_000);
  const bob = w.as(BOB);
  bob.context.turnOnHourlyRefresh();
  assert.match(lastPrompt(bob), /^Hourly status refresh is on/);
  assert.equal(w.documentProperties.getProperty('HOURLY_REFRESH_OWNER'), BOB);
  const bobs = w.triggers.ofUser(BOB);
  assert.equal(bobs.length, 1);
  assert.equal(w.documentProperties.getProperty('HOURLY_REFRESH_TRIGGER_ID'), bobs[0].id);
});
