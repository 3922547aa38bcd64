'use strict';
/**
 * Fakes of the Apps Script services the script uses, following the real signatures
 * (SpreadsheetApp, Ui, LockService, PropertiesService, UrlFetchApp, ScriptApp, HtmlService, Utilities, Logger),
 * and a loader that runs the script's .js files in a vm context wired to them.
 *
 * A sheet's cells live in a backend: in memory for unit tests (MemoryGrid), or over HTTP in the
 * end-to-end test (see sheets-http.js). Writes follow what Sheets does with setValues: a leading
 * apostrophe stores the rest as text; a string starting with "=" would become a formula, which the
 * script must never write, so the fake throws.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const SCRIPT_DIR = path.join(__dirname, '..');
/** The script's files, as clasp pushes them (every .js file at the top of apps_script/). */
const SCRIPT_FILES = fs.readdirSync(SCRIPT_DIR).filter((f) => f.endsWith('.js')).sort();
const MAX_COLUMNS = 26;

/** "A" -> 1, "AB" -> 28. */
function letterToColumn(letters) {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** 1 -> "A", 28 -> "AB". */
function columnToLetter(column) {
  let s = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Parses an A1 range of one tab ("B3", "A2:C10", "4:7", "A:C") into 1-based bounds; open ends are null.
 * @return {{row: ?number, col: ?number, lastRow: ?number, lastCol: ?number}}
 */
function parseA1(a1) {
  const cell = /^([A-Za-z]*)(\d*)$/;
  const [start, end = start] = a1.replace(/^.*!/, '').split(':');
  const s = cell.exec(start);
  const e = cell.exec(end);
  if (!s || !e || (!s[1] && !s[2])) throw new Error('Range not found');
  return {
    row: s[2] ? Number(s[2]) : null,
    col: s[1] ? letterToColumn(s[1]) : null,
    lastRow: e[2] ? Number(e[2]) : null,
    lastCol: e[1] ? letterToColumn(e[1]) : null,
  };
}

/** Cells in memory: rows of values, ragged rows allowed. */
class MemoryGrid {
  constructor(rows = []) {
    this.rows = rows.map((r) => r.slice());
  }
  read() {
    return this.rows;
  }
  write(row, col, values) {
    values.forEach((line, i) => {
      const target = (this.rows[row - 1 + i] = this.rows[row - 1 + i] || []);
      line.forEach((value, j) => {
        while (target.length < col - 1 + j) target.push('');
        target[col - 1 + j] = value;
      });
    });
    for (let r = 0; r < this.rows.length; r++) this.rows[r] = this.rows[r] || [];
  }
}

class FakeRange {
  constructor(sheet, row, col, numRows, numCols) {
    Object.assign(this, { sheet, row, col, numRows, numCols });
  }
  getRow() { return this.row; }
  getColumn() { return this.col; }
  getLastRow() { return this.row + this.numRows - 1; }
  getLastColumn() { return this.col + this.numCols - 1; }
  getNumRows() { return this.numRows; }
  getNumColumns() { return this.numCols; }
  getSheet() { return this.sheet; }
  getA1Notation() {
    const first = columnToLetter(this.col) + this.row;
    return this.numRows === 1 && this.numCols === 1
      ? first
      : first + ':' + columnToLetter(this.getLastColumn()) + this.getLastRow();
  }
  getValues() {
    const grid = this.sheet.backend.read();
    const out = [];
    for (let r = 0; r < this.numRows; r++) {
      const line = grid[this.row - 1 + r] || [];
      const values = [];
      for (let c = 0; c < this.numCols; c++) {
        const v = line[this.col - 1 + c];
        values.push(v === undefined || v === null ? '' : v);
      }
      out.push(values);
    }
    return out;
  }
  getDisplayValues() {
    return this.getValues().map((line) => line.map((v) => String(v)));
  }
  getValue() { return this.getValues()[0][0]; }
  getDisplayValue() { return this.getDisplayValues()[0][0]; }
  setValues(values) {
    if (!Array.isArray(values) || values.length !== this.numRows || values.some((l) => l.length !== this.numCols)) {
      throw new Error(
        'The number of rows or columns in the data does not match the range ' + this.getA1Notation() + '.',
      );
    }
    const stored = values.map((line) =>
      line.map((value) => {
        if (typeof value === 'string' && value.startsWith("'")) return value.slice(1);
        if (typeof value === 'string' && value.startsWith('=')) {
          throw new Error('fake: a formula was written to ' + this.getA1Notation() + ': ' + value);
        }
        return value;
      }),
    );
    this.sheet.writes.push({ a1: this.getA1Notation(), values });
    this.sheet.backend.write(this.row, this.col, stored);
    return this;
  }
  setValue(value) {
    return this.setValues([[value]]);
  }
  setNumberFormat(format) {
    this.sheet.numberFormats.push({ a1: this.getA1Notation(), format });
    return this;
  }
}

class FakeRangeList {
  constructor(ranges) {
    this.ranges = ranges;
  }
  getRanges() { return this.ranges.slice(); }
}

class FakeSheet {
  /**
   * @param {{name?: string, sheetId?: number, backend?: {read: Function, write: Function}, rows?: Array[]}} options
   */
  constructor({ name = 'Candidates', sheetId = 0, backend, rows } = {}) {
    this.name = name;
    this.sheetId = sheetId;
    this.backend = backend || new MemoryGrid(rows || []);
    this.writes = [];
    this.numberFormats = [];
    this.hiddenByFilter = new Set();
    this.selection = null;
  }
  getName() { return this.name; }
  getSheetId() { return this.sheetId; }
  getMaxRows() { return Math.max(1000, this.backend.read().length); }
  getMaxColumns() { return MAX_COLUMNS; }
  getLastRow() {
    const grid = this.backend.read();
    for (let r = grid.length; r > 0; r--) if ((grid[r - 1] || []).some((v) => v !== '' && v != null)) return r;
    return 0;
  }
  getLastColumn() {
    let last = 0;
    for (const line of this.backend.read()) {
      for (let c = (line || []).length; c > last; c--) if (line[c - 1] !== '' && line[c - 1] != null) { last = c; break; }
    }
    return last;
  }
  getRange(a, col, numRows = 1, numCols = 1) {
    if (typeof a === 'string') {
      const p = parseA1(a);
      const row = p.row || 1;
      const column = p.col || 1;
      const lastRow = p.lastRow || (p.row && !a.includes(':') ? p.row : this.getMaxRows());
      const lastCol = p.lastCol || (p.col && !a.includes(':') ? p.col : this.getMaxColumns());
      return new FakeRange(this, row, column, lastRow - row + 1, lastCol - column + 1);
    }
    if (!(a >= 1) || !(col >= 1) || !(numRows >= 1) || !(numCols >= 1)) {
      throw new Error('The coordinates of the range are outside the dimensions of the sheet.');
    }
    return new FakeRange(this, a, col, numRows, numCols);
  }
  getActiveRangeList() {
    return this.selection ? new FakeRangeList(this.selection) : null;
  }
  getFilter() {
    return this.hiddenByFilter.size ? { getRange: () => this.getRange('A:Z') } : null;
  }
  isRowHiddenByFilter(rowPosition) {
    return this.hiddenByFilter.has(rowPosition);
  }
  /** Test helper: selects A1 ranges, as a user would with Ctrl-click. */
  select(a1Ranges) {
    this.selection = a1Ranges.map((a1) => this.getRange(a1));
    return this;
  }
  /** Test helper: hides rows behind a filter. */
  hideByFilter(rows) {
    rows.forEach((r) => this.hiddenByFilter.add(r));
    return this;
  }
  /** Test helper: the displayed values of a whole row. */
  rowValues(row) {
    return this.getRange(row, 1, 1, MAX_COLUMNS).getDisplayValues()[0];
  }
}

class FakeSpreadsheet {
  constructor({ id = 'spreadsheet-1', sheets } = {}) {
    this.id = id;
    this.sheets = sheets || [new FakeSheet()];
    this.active = this.sheets[0];
    this.toasts = [];
  }
  getId() { return this.id; }
  getActiveSheet() { return this.active; }
  getSheets() { return this.sheets.slice(); }
  getSheetByName(name) { return this.sheets.find((s) => s.getName() === name) || null; }
  getActiveRangeList() { return this.active.getActiveRangeList(); }
  toast(msg, title, timeoutSeconds) {
    this.toasts.push({ msg, title, timeoutSeconds });
  }
}

const Button = Object.freeze({ CLOSE: 'CLOSE', OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO' });
const ButtonSet = Object.freeze({ OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO', YES_NO_CANCEL: 'YES_NO_CANCEL' });

class FakeMenu {
  constructor(ui, caption) {
    this.ui = ui;
    this.caption = caption;
    this.items = [];
  }
  addItem(caption, functionName) {
    this.items.push({ caption, functionName });
    return this;
  }
  addSeparator() {
    this.items.push({ separator: true });
    return this;
  }
  addSubMenu(menu) {
    this.items.push({ subMenu: menu });
    return this;
  }
  addToUi() {
    this.ui.menus.push(this);
  }
}

/**
 * The Ui: alerts are recorded; the answers to dialogs with buttons come from `answers` (queue),
 * else OK for OK_CANCEL and YES for YES_NO.
 */
class FakeUi {
  constructor() {
    this.Button = Button;
    this.ButtonSet = ButtonSet;
    this.menus = [];
    this.alerts = [];
    this.sidebars = [];
    this.answers = [];
  }
  createMenu(caption) {
    return new FakeMenu(this, caption);
  }
  alert(a, b, c) {
    let title = '';
    let prompt = a;
    let buttons = ButtonSet.OK;
    if (c !== undefined) [title, prompt, buttons] = [a, b, c];
    else if (b !== undefined) buttons = b;
    this.alerts.push({ title, prompt, buttons });
    if (this.answers.length) return this.answers.shift();
    return { OK: Button.OK, OK_CANCEL: Button.OK, YES_NO: Button.YES, YES_NO_CANCEL: Button.YES }[buttons];
  }
  showSidebar(userInterface) {
    this.sidebars.push(userInterface);
  }
  showModalDialog(userInterface, title) {
    this.sidebars.push({ userInterface, title });
  }
}

class FakeHtmlOutput {
  constructor(content) {
    this.content = content;
    this.title = '';
  }
  getContent() { return this.content; }
  setTitle(title) { this.title = title; return this; }
  getTitle() { return this.title; }
  setWidth() { return this; }
  setHeight() { return this; }
}

class FakeProperties {
  constructor(store = {}) {
    this.store = { ...store };
  }
  getProperty(key) { return Object.prototype.hasOwnProperty.call(this.store, key) ? this.store[key] : null; }
  setProperty(key, value) { this.store[key] = String(value); return this; }
  setProperties(properties, deleteAllOthers) {
    if (deleteAllOthers) this.store = {};
    for (const [k, v] of Object.entries(properties)) this.store[k] = String(v);
    return this;
  }
  getProperties() { return { ...this.store }; }
  deleteProperty(key) { delete this.store[key]; return this; }
}

/** One document lock shared by the executions of a test; `heldElsewhere` simulates another run. */
class FakeLock {
  constructor() {
    this.held = false;
    this.heldElsewhere = false;
    this.tries = [];
    this.releases = 0;
  }
  tryLock(timeoutInMillis) {
    this.tries.push(timeoutInMillis);
    if (this.heldElsewhere || this.held) return false;
    this.held = true;
    return true;
  }
  waitLock(timeoutInMillis) {
    if (!this.tryLock(timeoutInMillis)) throw new Error('Lock timeout: another process was holding the lock for too long.');
  }
  hasLock() { return this.held; }
  releaseLock() {
    this.releases++;
    this.held = false;
  }
}

class FakeHttpResponse {
  constructor(status, text, headers = {}) {
    Object.assign(this, { status, text, headers });
  }
  getResponseCode() { return this.status; }
  getContentText() { return this.text; }
  getHeaders() { return { ...this.headers }; }
  getAllHeaders() { return { ...this.headers }; }
}

/** Bytes as Apps Script gives them: signed 8-bit integers. */
function toSignedBytes(buffer) {
  return Array.from(buffer, (b) => (b > 127 ? b - 256 : b));
}

const Utilities = {
  base64DecodeWebSafe(encoded) {
    if (!/^[A-Za-z0-9_-]*={0,2}$/.test(encoded) || encoded.replace(/=+$/, '').length % 4 === 1) {
      throw new Error('Could not decode string.');
    }
    return toSignedBytes(Buffer.from(encoded, 'base64url'));
  },
  base64EncodeWebSafe(data) {
    return Buffer.from(typeof data === 'string' ? data : data.map((b) => b & 255)).toString('base64url');
  },
  newBlob(data) {
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.map((b) => b & 255));
    return { getDataAsString: () => bytes.toString('utf8'), getBytes: () => toSignedBytes(bytes) };
  },
  sleep() {},
};

/**
 * Builds the fakes and loads the script into a fresh vm context.
 * @param {{spreadsheet?: FakeSpreadsheet, properties?: Object, fetch?: Function, identityToken?: string,
 *     oauthToken?: string, clock?: {now: () => number}}} options
 *     fetch(url, params) returns {status, body} (body: object -> JSON, string as is) or throws like UrlFetchApp
 * @return {Object} the context (script functions are its globals) and the fakes, for assertions
 */
function loadScript(options = {}) {
  const spreadsheet = options.spreadsheet || new FakeSpreadsheet();
  const ui = new FakeUi();
  const documentProperties = new FakeProperties(options.properties);
  const lock = new FakeLock();
  const fetches = [];
  const logs = [];
  const clock = options.clock || { now: () => Date.now() };
  const handler = options.fetch || (() => { throw new Error('Address unavailable: no fake fetch handler'); });
  const RealDate = Date;
  class FakeDate extends RealDate {
    constructor(...args) {
      if (args.length) super(...args);
      else super(clock.now());
    }
    static now() {
      return clock.now();
    }
  }

  const context = {
    console,
    Date: FakeDate,
    SpreadsheetApp: {
      getActiveSpreadsheet: () => spreadsheet,
      getActiveSheet: () => spreadsheet.getActiveSheet(),
      getActiveRangeList: () => spreadsheet.getActiveRangeList(),
      getUi: () => ui,
    },
    PropertiesService: {
      getDocumentProperties: () => documentProperties,
      getScriptProperties: () => { throw new Error('fake: the script uses document properties only'); },
      getUserProperties: () => { throw new Error('fake: the script uses document properties only'); },
    },
    LockService: {
      getDocumentLock: () => lock,
      getScriptLock: () => { throw new Error('fake: the script uses the document lock only'); },
      getUserLock: () => { throw new Error('fake: the script uses the document lock only'); },
    },
    UrlFetchApp: {
      fetch(url, params) {
        if (typeof url !== 'string' || !params || typeof params.payload !== 'string') {
          throw new Error('fake: fetch(url, params) needs a string url and a string payload');
        }
        const call = { url, params, body: JSON.parse(params.payload) };
        fetches.push(call);
        const answer = handler(url, params, call.body);
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        if (!params.muteHttpExceptions && answer.status >= 400) {
          throw new Error('Request failed for ' + url + ' returned code ' + answer.status);
        }
        return new FakeHttpResponse(answer.status, text, answer.headers);
      },
    },
    ScriptApp: {
      getIdentityToken: () => (options.identityToken === undefined ? 'id-token' : options.identityToken),
      getOAuthToken: () => options.oauthToken || 'oauth-token',
    },
    HtmlService: {
      createHtmlOutputFromFile: (filename) =>
        new FakeHtmlOutput(fs.readFileSync(path.join(SCRIPT_DIR, filename + '.html'), 'utf8')),
    },
    Utilities,
    Logger: { log: (...args) => { logs.push(args.join(' ')); } },
  };
  vm.createContext(context);
  for (const file of SCRIPT_FILES) {
    vm.runInContext(fs.readFileSync(path.join(SCRIPT_DIR, file), 'utf8'), context, { filename: file });
  }
  return { context, spreadsheet, ui, documentProperties, lock, fetches, logs, clock };
}

module.exports = { Button, FakeSheet, FakeSpreadsheet, columnToLetter, loadScript };
