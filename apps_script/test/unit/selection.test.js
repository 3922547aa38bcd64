'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadScript, FakeSheet, FakeSpreadsheet } = require('../fakes');
const { candidateRows } = require('../fake-function');

const plain = (x) => JSON.parse(JSON.stringify(x));
const never = () => '';

test('selectRows takes each row once in sheet order and drops the header row', () => {
  const { context } = loadScript();
  const picked = context.selectRows([{ first: 5, last: 7 }, { first: 1, last: 3 }, { first: 6, last: 9 }], 100, never);
  assert.deepEqual(plain(picked), { rows: [2, 3, 5, 6, 7, 8, 9], hidden: { filter: 0, user: 0 } });
});

test('selectRows stops at the last row with data (whole-column selections)', () => {
  const { context } = loadScript();
  assert.deepEqual(plain(context.selectRows([{ first: 1, last: 1000 }], 4, never).rows), [2, 3, 4]);
});

test('selectRows leaves out and counts rows hidden by a filter and rows hidden by hand', () => {
  const { context } = loadScript();
  const hiddenBy = (row) => (row === 4 || row === 5 ? 'filter' : row === 9 ? 'user' : '');
  const picked = context.selectRows([{ first: 2, last: 10 }], 100, hiddenBy);
  assert.deepEqual(plain(picked), { rows: [2, 3, 6, 7, 8, 10], hidden: { filter: 2, user: 1 } });
});

test('rowsToRanges merges consecutive rows into whole-row ranges', () => {
  const { context } = loadScript();
  assert.deepEqual(plain(context.rowsToRanges([2, 3, 6, 7, 8, 10])), ['2:3', '6:8', '10:10']);
  assert.deepEqual(plain(context.rowsToRanges([])), []);
});

test('splitIntoParts splits 12,000 rows into parts of 5,000, 5,000 and 2,000', () => {
  const { context } = loadScript();
  const rows = Array.from({ length: 12000 }, (_, i) => i + 2);
  assert.deepEqual(plain(context.splitIntoParts(rows, 5000).map((c) => c.length)), [5000, 5000, 2000]);
});

test('splitIntoParts starts a new part before a range that would be one too many', () => {
  const { context } = loadScript();
  const rows = [2, 3, 5, 7, 8, 9, 11]; // ranges 2:3, 5:5, 7:9, 11:11
  assert.deepEqual(plain(context.splitIntoParts(rows, 100, 2)), [[2, 3, 5], [7, 8, 9, 11]]);
  assert.deepEqual(plain(context.splitIntoParts(rows, 3, 2)), [[2, 3, 5], [7, 8, 9], [11]]);
  assert.deepEqual(plain(context.splitIntoParts([], 5)), []);
});

test('rangesToRows reads the A1 forms the function may answer with', () => {
  const { context } = loadScript();
  assert.deepEqual(plain(context.rangesToRows(['A2:B4', 'C15', '7:8', 'Candidates!9:9', '3:3'])), [2, 3, 4, 7, 8, 9, 15]);
  assert.throws(() => context.rangesToRows(['A:C']), /cannot read: A:C/);
});

test('readSelection reads several ranges, ignores the selected header and leaves out filtered rows', () => {
  const sheet = new FakeSheet({ sheetId: 42, rows: candidateRows(20) });
  sheet.select(['A1:B5', 'C8', '10:12', 'B4:B6']).hideByFilter([11]).hideByUser([3]);
  const { context } = loadScript({ spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }) });
  const selection = context.readSelection();
  assert.equal(selection.sheet.getSheetId(), 42);
  assert.deepEqual(plain(selection.rows), [2, 4, 5, 6, 8, 10, 12]);
  assert.deepEqual(plain(selection.hidden), { filter: 1, user: 1 });
});

test('readSelection reads rows hidden by hand even where the sheet has no filter', () => {
  const sheet = new FakeSheet({ rows: candidateRows(6) }).select(['2:7']).hideByUser([4, 5]);
  const { context } = loadScript({ spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }) });
  assert.equal(sheet.getFilter(), null);
  const selection = context.readSelection();
  assert.deepEqual(plain({ rows: selection.rows, hidden: selection.hidden }), { rows: [2, 3, 6, 7], hidden: { filter: 0, user: 2 } });
});

test('readSelection without a selection gives no rows', () => {
  const sheet = new FakeSheet({ rows: candidateRows(3) });
  const { context } = loadScript({ spreadsheet: new FakeSpreadsheet({ sheets: [sheet] }) });
  assert.deepEqual(plain(context.readSelection().rows), []);
});
