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
 *
 * The harness enforces what Apps Script enforces (see /work/shared/google-limits.md):
 * - Each call of a script function from a test is one execution (a menu click, a google.script.run call,
 *   a trigger). It ends after `limits.executionMs` (6 minutes): the next service call, or a fetch or sleep that
 *   would run past it, ends the execution; nothing after it runs (every later service call throws again, so
 *   no dialog appears), and `executions` records "Exceeded maximum execution time".
 * - UrlFetchApp.fetch gives up after `limits.urlFetchMs` (about 60 s): a call that takes longer throws the
 *   timeout exception, whatever the server did meanwhile.
 * - Time is a clock: `virtualClock()` (the default; a fetch handler says how long its call takes with
 *   `takesMs`, a dialog answer with `thinkMs`, Utilities.sleep moves it) or `realClock()` (the end-to-end test:
 *   real waiting, real timeouts). Limits can be scaled down for a test.
 * - Authorization: the execution's mode comes from the event (`e.authMode`, FULL when absent). In NONE, only
 *   menus may be built (PropertiesService, the document, UrlFetchApp, tokens throw, as in Apps Script); in
 *   LIMITED, UrlFetchApp and the tokens throw. ScriptApp.requireAllScopes(FULL) ends the execution with an
 *   authorization prompt when the user granted only some of the manifest's scopes (`grantedScopes`).
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const SCRIPT_DIR = path.join(__dirname, '..');
/** The script's files, as clasp pushes them (every .js file at the top of apps_script/). */
const SCRIPT_FILES = fs.readdirSync(SCRIPT_DIR).filter((f) => f.endsWith('.js')).sort();
const MANIFEST = JSON.parse(fs.readFileSync(path.join(SCRIPT_DIR, 'appsscript.json'), 'utf8'));
/** The scopes the manifest asks for: a user who granted fewer has given partial consent. */
const MANIFEST_SCOPES = Object.freeze(MANIFEST.oauthScopes.slice());
const MAX_COLUMNS = 26;

/** Apps Script's limits: 6 minutes per execution, about 60 s per UrlFetchApp call. */
const REAL_LIMITS = Object.freeze({ executionMs: 6 * 60 * 1000, urlFetchMs: 60 * 1000 });
/** What Apps Script says when it ends an execution at its time limit. */
const EXCEEDED = 'Exceeded maximum execution time';
const AuthMode = Object.freeze({ NONE: 'NONE', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION', LIMITED: 'LIMITED', FULL: 'FULL' });

/**
 * Thrown by the harness when Apps Script would end the execution (time limit, authorization prompt). The
 * script may catch it (a try around UrlFetchApp.fetch does), but every later service call throws it again,
 * so nothing the script does after it reaches the user; the runner records it and swallows it.
 */
class ExecutionEnded extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'ExecutionEnded';
    this.reason = reason;
  }
}

/**
 * A clock that moves only when told: by a fetch's `takesMs`, a dialog's `thinkMs`, Utilities.sleep, or `advance`.
 * @param {number=} start ms since epoch
 */
function virtualClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
  let now = start;
  return {
    virtual: true,
    now: () => now,
    advance(ms) {
      now += Math.max(0, ms);
    },
    sleep(ms) {
      now += Math.max(0, ms);
    },
  };
}

/**
 * Real time, for the end-to-end test: sleep really waits. `advance` adds time without waiting (a recruiter who
 * reads a dialog for minutes), so a test can bring an execution near its limit without taking minutes.
 */
function realClock() {
  let skipped = 0;
  return {
    virtual: false,
    now: () => Date.now() + skipped,
    advance(ms) {
      skipped += Math.max(0, ms);
    },
    sleep(ms) {
      if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    },
  };
}

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
    if (this.sheet.events) this.sheet.events.push('write ' + this.getA1Notation());
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
    this.hiddenByUser = new Set();
    this.selection = null;
    /** Set by loadScript: the harness's log of fetches, writes and flushes, in order. */
    this.events = null;
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
  isRowHiddenByUser(rowPosition) {
    return this.hiddenByUser.has(rowPosition);
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
  /** Test helper: hides rows by hand (right-click > Hide row). */
  hideByUser(rows) {
    rows.forEach((r) => this.hiddenByUser.add(r));
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
  /** @param {?string} caption the top-level menu's caption; null for the add-on menu (under Extensions) */
  constructor(ui, caption) {
    this.ui = ui;
    this.caption = caption;
    this.addon = caption === null;
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
 * The Ui: alerts are recorded; the answers to dialogs with buttons come from `answers` (queue; a button, or
 * {button, thinkMs} for a recruiter who reads the dialog that long, or {button, leftMs} for one who answers when
 * only that much of the execution's time is left: the execution's time runs meanwhile), else OK for OK_CANCEL and
 * YES for YES_NO.
 */
class FakeUi {
  constructor() {
    this.Button = Button;
    this.ButtonSet = ButtonSet;
    this.menus = [];
    this.alerts = [];
    this.sidebars = [];
    /** Modal dialogs shown with showModalDialog: {userInterface, title}. */
    this.dialogs = [];
    this.answers = [];
    /** Set by loadScript: the time a recruiter spends reading a dialog passes on it. */
    this.clock = null;
    /** Set by loadScript: how much of the execution's time is left (ms). */
    this.timeLeft = null;
  }
  createMenu(caption) {
    return new FakeMenu(this, caption);
  }
  createAddonMenu() {
    return new FakeMenu(this, null);
  }
  alert(a, b, c) {
    let title = '';
    let prompt = a;
    let buttons = ButtonSet.OK;
    if (c !== undefined) [title, prompt, buttons] = [a, b, c];
    else if (b !== undefined) buttons = b;
    this.alerts.push({ title, prompt, buttons });
    const fallback = { OK: Button.OK, OK_CANCEL: Button.OK, YES_NO: Button.YES, YES_NO_CANCEL: Button.YES }[buttons];
    const answer = this.answers.length ? this.answers.shift() : fallback;
    if (answer && typeof answer === 'object') {
      if (this.clock) {
        const think = answer.leftMs !== undefined && this.timeLeft ? this.timeLeft() - answer.leftMs : answer.thinkMs || 0;
        this.clock.advance(think);
      }
      return answer.button || fallback;
    }
    return answer;
  }
  showSidebar(userInterface) {
    this.sidebars.push(userInterface);
  }
  showModalDialog(userInterface, title) {
    this.dialogs.push({ userInterface, title });
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

/** Apps Script's limit on installable triggers per user per script. */
const MAX_TRIGGERS_PER_USER = 20;

/** An installable trigger: its owner is the user who created it; only that user sees it and can delete it. */
class FakeTrigger {
  constructor(id, handler, owner, schedule) {
    Object.assign(this, { id, handler, owner, schedule });
  }
  getUniqueId() { return this.id; }
  getHandlerFunction() { return this.handler; }
  getEventType() { return 'CLOCK'; }
  getTriggerSource() { return 'CLOCK'; }
  getTriggerSourceId() { return null; }
}

/**
 * The project's installable triggers, across users (share one between two loadScript calls to model two recruiters
 * of one Sheet). ScriptApp lists and deletes only the current user's.
 */
class FakeTriggerStore {
  constructor() {
    this.triggers = [];
    this.created = 0;
  }
  /** Test helper: the triggers of every user. */
  all() { return this.triggers.slice(); }
  ofUser(user) { return this.triggers.filter((t) => t.owner === user); }
  create(handler, owner, schedule) {
    if (this.ofUser(owner).length >= MAX_TRIGGERS_PER_USER) {
      throw new Error('This script has too many triggers. Triggers must be deleted from the script before more can be added.');
    }
    this.created++;
    const trigger = new FakeTrigger('trigger-' + this.created, handler, owner, schedule);
    this.triggers.push(trigger);
    return trigger;
  }
  remove(trigger, user) {
    const found = this.triggers.find((t) => t.id === (trigger && trigger.id));
    if (!found || found.owner !== user) {
      // Apps Script gives a user no handle on another user's trigger: deleting one is an error of the script.
      throw new Error('fake: ' + user + ' cannot delete trigger ' + (trigger && trigger.id) + (found ? ' of ' + found.owner : ' (no such trigger)'));
    }
    this.triggers = this.triggers.filter((t) => t !== found);
  }
}

/** ScriptApp.newTrigger(handler): only the time-based triggers the script uses. */
class FakeTriggerBuilder {
  constructor(create) {
    this.create = create;
  }
  timeBased() { return new FakeClockTriggerBuilder(this.create); }
}

class FakeClockTriggerBuilder {
  constructor(create) {
    this.createTrigger = create;
    this.schedule = null;
  }
  everyHours(n) {
    if (![1, 2, 4, 6, 8, 12].includes(n)) throw new Error('Exception: The value passed to everyHours must be 1, 2, 4, 6, 8 or 12.');
    this.schedule = { everyHours: n };
    return this;
  }
  everyMinutes(n) {
    this.schedule = { everyMinutes: n };
    return this;
  }
  create() {
    if (!this.schedule) throw new Error('Exception: Clock triggers need a schedule (everyHours, everyMinutes…).');
    return this.createTrigger(this.schedule);
  }
}

/** Session's user. */
class FakeUser {
  constructor(email) {
    this.email = email;
  }
  getEmail() { return this.email; }
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

/**
 * An HTTP answer as bytes: getContentText(charset) decodes them with that charset; without one it decodes with
 * the Content-Type's charset, else as ISO-8859-1, so a script that forgets to ask for UTF-8 shows "Ã©" for "é".
 */
class FakeHttpResponse {
  constructor(status, text, headers = {}) {
    Object.assign(this, { status, headers, bytes: Buffer.from(text, 'utf8') });
  }
  getResponseCode() { return this.status; }
  getContentText(charset) {
    const type = Object.entries(this.headers).find(([k]) => k.toLowerCase() === 'content-type');
    const declared = type && /charset=([^;\s]+)/i.exec(type[1]);
    const name = String(charset || (declared && declared[1]) || 'ISO-8859-1').toLowerCase();
    return this.bytes.toString(name === 'utf-8' || name === 'utf8' ? 'utf8' : 'latin1');
  }
  getHeaders() { return { ...this.headers }; }
  getAllHeaders() { return { ...this.headers }; }
}

/** Bytes as Apps Script gives them: signed 8-bit integers. */
function toSignedBytes(buffer) {
  return Array.from(buffer, (b) => (b > 127 ? b - 256 : b));
}

/** Utilities: the pure parts, shared; `sleep` is per execution (see loadScript). */
const UTILITIES = {
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
};

/** Classes whose methods are Apps Script service calls: each call is checked against the execution's state. */
const SERVICE_CLASSES = new Map([
  [FakeSpreadsheet, 'Spreadsheet'],
  [FakeSheet, 'Sheet'],
  [FakeRange, 'Range'],
  [FakeRangeList, 'RangeList'],
  [FakeUi, 'Ui'],
  [FakeMenu, 'Menu'],
  [FakeProperties, 'Properties'],
  [FakeLock, 'Lock'],
  [FakeHttpResponse, 'HTTPResponse'],
  [FakeHtmlOutput, 'HtmlOutput'],
  [FakeTrigger, 'Trigger'],
  [FakeTriggerBuilder, 'TriggerBuilder'],
  [FakeClockTriggerBuilder, 'ClockTriggerBuilder'],
  [FakeUser, 'User'],
]);

/** Calls allowed in AuthMode.NONE (an add-on's onOpen before it is used in the document): menus only. */
const ALLOWED_IN_NONE = /^(SpreadsheetApp\.getUi|Ui\.create(Addon)?Menu|Menu\.|Logger\.|Utilities\.)/;
/** Calls refused in AuthMode.LIMITED (a simple trigger): the network, the user's tokens and installable triggers. */
const REFUSED_IN_LIMITED = /^(UrlFetchApp\.|ScriptApp\.get(Identity|OAuth)Token|ScriptApp\.requireAllScopes|ScriptApp\.(newTrigger|getProjectTriggers|deleteTrigger))/;
/** The scope each service needs; a call without it throws, as when the user declined that scope. */
const SCOPE_OF = [
  [/^UrlFetchApp\./, 'https://www.googleapis.com/auth/script.external_request'],
  [/^(Spreadsheet|Sheet|Range|RangeList)\.|^SpreadsheetApp\.(getActive|flush)/, 'https://www.googleapis.com/auth/spreadsheets'],
  [/^Ui\.(alert|showSidebar|showModalDialog)/, 'https://www.googleapis.com/auth/script.container.ui'],
  [/^ScriptApp\.(newTrigger|getProjectTriggers|deleteTrigger)/, 'https://www.googleapis.com/auth/script.scriptapp'],
  [/^Session\./, 'https://www.googleapis.com/auth/userinfo.email'],
];

/**
 * Builds the fakes and loads the script into a fresh vm context.
 * @param {{spreadsheet?: FakeSpreadsheet, properties?: Object, fetch?: Function, identityToken?: string,
 *     oauthToken?: string, clock?: Object, limits?: {executionMs?: number, urlFetchMs?: number},
 *     grantedScopes?: string[], urlFetchAllowlist?: string[], files?: Object<string, string>, user?: string,
 *     triggers?: FakeTriggerStore, documentProperties?: FakeProperties, userProperties?: FakeProperties}} options
 *     fetch(url, params, body, {timeoutMs}) returns {status, body, headers?, takesMs?} (body: object -> JSON, string
 *     as is; takesMs: how long the call takes on a virtual clock) or throws like UrlFetchApp;
 *     clock: virtualClock() (default) or realClock(); limits: Apps Script's by default, smaller to scale a test down;
 *     grantedScopes: what the user consented to (default: every scope of the manifest);
 *     urlFetchAllowlist: prefixes UrlFetchApp may call (default: any, the tests' URLs are not the manifest's);
 *     files: script files to replace, by name (e.g. a Deployment.js as `make deploy` writes it), or to add (a test's
 *     own functions, loaded after the script's);
 *     user: the email of the user running the script (Session; the owner of the triggers it creates);
 *     triggers: the project's installable triggers (share one store between two users of a Sheet);
 *     documentProperties / userProperties: property stores to share between loadScript calls (two users of one
 *     Sheet share the document's; one user's executions share theirs); `properties` seeds a new document store
 * @return {Object} `context` (the script's functions; each call from a test is one execution), the fakes for
 *     assertions, `executions` (each with its function, auth mode and how it ended) and `events` (fetches, writes,
 *     flushes and sleeps in order)
 */
function loadScript(options = {}) {
  const spreadsheet = options.spreadsheet || new FakeSpreadsheet();
  const ui = new FakeUi();
  const documentProperties = options.documentProperties || new FakeProperties(options.properties);
  const userProperties = options.userProperties || new FakeProperties();
  const user = options.user || 'ann@acme-hr.example';
  const triggers = options.triggers || new FakeTriggerStore();
  const lock = new FakeLock();
  const fetches = [];
  const logs = [];
  const events = [];
  const sleeps = [];
  const executions = [];
  const authorizationPrompts = [];
  const clock = options.clock || virtualClock();
  const limits = { ...REAL_LIMITS, ...options.limits };
  const granted = new Set(options.grantedScopes || MANIFEST_SCOPES);
  const handler = options.fetch || (() => { throw new Error('Exception: Address unavailable: no fake fetch handler'); });
  ui.clock = clock;
  ui.timeLeft = () => timeLeft();
  for (const sheet of spreadsheet.getSheets()) sheet.events = events;

  /** The execution under way (the outermost call from the test). */
  let execution = null;

  /** Ends the execution now, as Apps Script does. */
  function end(reason) {
    if (execution && !execution.ended) {
      execution.ended = reason;
      if (clock.virtual && reason === EXCEEDED) {
        clock.advance(execution.startedAt + limits.executionMs - clock.now());
      }
    }
    throw new ExecutionEnded(reason);
  }

  /** How long the execution may still run (ms). */
  function timeLeft() {
    return execution ? execution.startedAt + limits.executionMs - clock.now() : Infinity;
  }

  /** Checks one service call against the execution: ended, out of time, authorization mode, granted scopes. */
  function check(name) {
    if (!execution) return;
    if (execution.ended) throw new ExecutionEnded(execution.ended);
    if (timeLeft() <= 0) end(EXCEEDED);
    if (execution.trigger && name === 'SpreadsheetApp.getUi') {
      // A time-driven trigger has no user interface.
      throw new Error('Exception: Cannot call SpreadsheetApp.getUi() from this context.');
    }
    const mode = execution.authMode;
    if ((mode === AuthMode.NONE && !ALLOWED_IN_NONE.test(name)) || (mode === AuthMode.LIMITED && REFUSED_IN_LIMITED.test(name))) {
      throw new Error('Exception: You do not have permission to call ' + name + ' in AuthMode.' + mode + '.');
    }
    for (const [pattern, scope] of SCOPE_OF) {
      if (pattern.test(name) && !granted.has(scope)) {
        throw new Error('Exception: You do not have permission to call ' + name + '. Required permissions: ' + scope);
      }
    }
  }

  const proxies = new WeakMap();
  /** Wraps a fake service object so that each method call is checked first; objects it returns are wrapped too. */
  function service(target, label) {
    if (!target || typeof target !== 'object') return target;
    if (proxies.has(target)) return proxies.get(target);
    const proxy = new Proxy(target, {
      get(obj, prop) {
        const value = obj[prop];
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (...args) => {
          check(label + '.' + prop);
          return wrap(value.apply(obj, args));
        };
      },
    });
    proxies.set(target, proxy);
    return proxy;
  }
  function wrap(value) {
    if (Array.isArray(value)) return value.some((v) => v && typeof v === 'object' && SERVICE_CLASSES.has(v.constructor)) ? value.map(wrap) : value;
    if (value && typeof value === 'object' && SERVICE_CLASSES.has(value.constructor)) {
      return service(value, SERVICE_CLASSES.get(value.constructor));
    }
    return value;
  }

  function fetch(url, params) {
    if (typeof url !== 'string' || !params || typeof params.payload !== 'string') {
      throw new Error('fake: fetch(url, params) needs a string url and a string payload');
    }
    if (options.urlFetchAllowlist && !options.urlFetchAllowlist.some((prefix) => url.startsWith(prefix))) {
      throw new Error('Exception: Request to ' + url + ' failed because the URL has not been whitelisted in the script manifest.');
    }
    const call = { url, params, body: JSON.parse(params.payload) };
    fetches.push(call);
    events.push('fetch');
    const startedAt = clock.now();
    const cap = Math.min(limits.urlFetchMs, timeLeft());
    const cut = () => {
      if (clock.now() - startedAt < cap) clock.advance(startedAt + cap - clock.now());
      if (timeLeft() <= 0) end(EXCEEDED);
      throw new Error('Exception: Timeout: ' + url);
    };
    let answer;
    try {
      answer = handler(url, params, call.body, { timeoutMs: cap });
    } catch (e) {
      if (timeLeft() <= 0) end(EXCEEDED);
      throw e;
    }
    const took = clock.now() - startedAt + (answer.takesMs || 0);
    if (took > cap) cut();
    clock.advance(answer.takesMs || 0);
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    if (!params.muteHttpExceptions && answer.status >= 400) {
      throw new Error('Request failed for ' + url + ' returned code ' + answer.status);
    }
    return new FakeHttpResponse(answer.status, text, answer.headers);
  }

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

  const scriptApp = {
    AuthMode,
    getIdentityToken: () => (options.identityToken === undefined ? 'id-token' : options.identityToken),
    getOAuthToken: () => options.oauthToken || 'oauth-token',
    requireAllScopes(authMode) {
      if (authMode !== AuthMode.FULL) throw new Error('fake: the script asks for FULL authorization only');
      const missing = MANIFEST_SCOPES.filter((scope) => !granted.has(scope));
      if (missing.length) {
        // "If any consents are missing, this method ends the current execution and renders an authorization prompt."
        authorizationPrompts.push(missing);
        end('Authorization required');
      }
    },
    EventType: Object.freeze({ CLOCK: 'CLOCK', ON_OPEN: 'ON_OPEN', ON_EDIT: 'ON_EDIT' }),
    TriggerSource: Object.freeze({ CLOCK: 'CLOCK', SPREADSHEETS: 'SPREADSHEETS' }),
    newTrigger(functionName) {
      if (typeof functionName !== 'string' || typeof context[functionName] !== 'function') {
        throw new Error('fake: newTrigger needs the name of a global function of the script, got ' + functionName);
      }
      return new FakeTriggerBuilder((schedule) => triggers.create(functionName, user, schedule));
    },
    getProjectTriggers: () => triggers.ofUser(user),
    deleteTrigger(trigger) {
      triggers.remove(trigger, user);
    },
  };

  const services = {
    SpreadsheetApp: {
      getActiveSpreadsheet: () => spreadsheet,
      openById(id) {
        if (id !== spreadsheet.getId()) throw new Error('Exception: Unexpected error while getting the method or property openById on object SpreadsheetApp.');
        return spreadsheet;
      },
      getActiveSheet: () => spreadsheet.getActiveSheet(),
      getActiveRangeList: () => spreadsheet.getActiveRangeList(),
      getUi: () => ui,
      flush: () => {
        events.push('flush');
      },
    },
    PropertiesService: {
      getDocumentProperties: () => documentProperties,
      getScriptProperties: () => { throw new Error('fake: the script uses document and user properties only'); },
      getUserProperties: () => userProperties,
    },
    LockService: {
      getDocumentLock: () => lock,
      getScriptLock: () => { throw new Error('fake: the script uses the document lock only'); },
      getUserLock: () => { throw new Error('fake: the script uses the document lock only'); },
    },
    UrlFetchApp: { fetch },
    ScriptApp: scriptApp,
    HtmlService: {
      createHtmlOutputFromFile: (filename) =>
        new FakeHtmlOutput(fs.readFileSync(path.join(SCRIPT_DIR, filename + '.html'), 'utf8')),
      createHtmlOutput: (html) => new FakeHtmlOutput(String(html)),
    },
    Session: {
      getEffectiveUser: () => new FakeUser(user),
      getActiveUser: () => new FakeUser(user),
    },
    Utilities: {
      ...UTILITIES,
      sleep(milliseconds) {
        sleeps.push(milliseconds);
        events.push('sleep ' + milliseconds);
        if (milliseconds >= timeLeft()) {
          clock.sleep(Math.max(0, timeLeft()));
          end(EXCEEDED);
        }
        clock.sleep(milliseconds);
      },
    },
    Logger: { log: (...args) => { logs.push(args.join(' ')); } },
  };

  const context = { console, Date: FakeDate };
  for (const [name, object] of Object.entries(services)) {
    context[name] = new Proxy(object, {
      get(obj, prop) {
        const value = obj[prop];
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (...args) => {
          check(name + '.' + prop);
          return wrap(value.apply(obj, args));
        };
      },
    });
  }
  vm.createContext(context);
  const extra = Object.keys(options.files || {}).filter((file) => !SCRIPT_FILES.includes(file));
  for (const file of SCRIPT_FILES.concat(extra)) {
    const source = options.files && file in options.files ? options.files[file] : fs.readFileSync(path.join(SCRIPT_DIR, file), 'utf8');
    vm.runInContext(source, context, { filename: file });
  }

  /** Runs one script function as an execution: its own clock start, auth mode, and Apps Script's ending. */
  function run(name, fn, args) {
    if (execution) return fn(...args); // a nested call (the script calling its own function) is the same execution
    const event = args[0];
    execution = {
      function: name,
      authMode: (event && typeof event === 'object' && event.authMode) || AuthMode.FULL,
      trigger: Boolean(event && typeof event === 'object' && event.triggerUid),
      startedAt: clock.now(),
      ended: '',
    };
    executions.push(execution);
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof ExecutionEnded || execution.ended) {
        // Apps Script ends the execution: the error is in the execution log, the user sees no dialog of the
        // script's, and the locks the execution held are released.
        execution.error = execution.ended || e.message;
        lock.held = false;
        return undefined;
      }
      throw e;
    } finally {
      execution.endedAt = clock.now();
      execution = null;
    }
  }

  const scriptContext = new Proxy(context, {
    get(obj, prop) {
      const value = obj[prop];
      if (typeof value !== 'function' || typeof prop !== 'string' || prop in services || prop === 'Date') return value;
      return (...args) => run(prop, value, args);
    },
  });
  /**
   * Fires an installable trigger as Apps Script does: its handler runs as one execution, in AuthMode.FULL, with the
   * time-driven event (triggerUid). Only a trigger that exists and belongs to this script's user can be fired here.
   */
  function fireTrigger(triggerUid) {
    const trigger = triggers.all().find((t) => t.id === triggerUid);
    if (!trigger) throw new Error('fake: no trigger ' + triggerUid + ' to fire');
    if (trigger.owner !== user) throw new Error('fake: trigger ' + triggerUid + ' runs as ' + trigger.owner + ', not ' + user);
    return scriptContext[trigger.handler]({ authMode: AuthMode.FULL, triggerUid, 'year': new Date(clock.now()).getUTCFullYear() });
  }

  return {
    context: scriptContext,
    spreadsheet,
    ui,
    documentProperties,
    userProperties,
    triggers,
    user,
    fireTrigger,
    lock,
    fetches,
    logs,
    events,
    sleeps,
    executions,
    authorizationPrompts,
    clock,
    limits,
  };
}

module.exports = {
  AuthMode,
  Button,
  EXCEEDED,
  FakeProperties,
  FakeSheet,
  FakeSpreadsheet,
  FakeTriggerStore,
  MANIFEST_SCOPES,
  REAL_LIMITS,
  columnToLetter,
  loadScript,
  realClock,
  virtualClock,
};
