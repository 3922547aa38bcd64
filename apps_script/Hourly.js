/**
 * The hourly status refresh: one installable time-driven trigger per Sheet, owned by the recruiter who turned it on,
 * that refreshes every tab with the status columns (Status.js) once an hour.
 *
 * Rules:
 * - The document properties are the record (HOURLY_KEYS): who turned it on, the trigger's ID, when, and the last run
 *   (its time and outcome). At most one trigger per Sheet: turning it on again adds none, and a trigger that is not
 *   the recorded one removes itself when it fires.
 * - Google lets only a trigger's owner see and remove it, so turning it off is the owner's; anyone else is told who
 *   that is. The refresh runs with the owner's access (their Google sign-in and their access to the Sheet).
 * - The handler runs with no one looking: it never calls getUi() (Apps Script refuses it in a time-driven trigger)
 *   and shows no toast; what it did, or the sentence of what went wrong, is in the record, which Settings shows.
 * - Within the 6 minutes and the function's `remaining`, as any run (processRows): tabs are refreshed whole, in the
 *   spreadsheet's order, starting with the tab a run that ran out of time had not finished.
 * - The trigger is mapped to its spreadsheet in the owner's user properties, so the handler opens the right one
 *   even where a time-driven trigger has no active document (an Editor add-on).
 */

/** The function the trigger calls. */
const HOURLY_HANDLER = 'refreshStatusHourly';

/** Document property names of the hourly refresh's record. */
const HOURLY_KEYS = {
  owner: 'HOURLY_REFRESH_OWNER',
  triggerId: 'HOURLY_REFRESH_TRIGGER_ID',
  since: 'HOURLY_REFRESH_SINCE',
  lastRun: 'HOURLY_REFRESH_LAST_RUN',
  lastOutcome: 'HOURLY_REFRESH_LAST_OUTCOME',
  nextSheetId: 'HOURLY_REFRESH_NEXT_SHEET_ID',
};

/**
 * A record whose trigger has not run for this long is stale (its owner's account closed, or the trigger removed in
 * the owner's trigger dashboard): anyone may then turn the refresh on (their trigger replaces it) or off. The old
 * trigger, should it ever fire again, is no longer the recorded one and removes itself.
 */
const HOURLY_STALE_MS = 3 * 60 * 60 * 1000;

/** User property name prefix: the spreadsheet of each of the user's hourly triggers, by trigger ID. */
const HOURLY_SPREADSHEET_PREFIX = 'HOURLY_REFRESH_SPREADSHEET_';

/**
 * Menu item "Turn on hourly status refresh".
 */
function turnOnHourlyRefresh() {
  requireEveryScope();
  const ui = SpreadsheetApp.getUi();
  const settings = getSettings();
  if (!settingsReady(ui, settings)) return;
  const lock = takeDocumentLock(ui, TITLE);
  if (!lock) return;
  try {
    const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
    const me = currentUserEmail();
    const state = hourlyState();
    if (state.on && state.owner !== me && !hourlyRecordIsStale(state, Date.now())) {
      ui.alert(TITLE, hourlyOwnedByOtherText(state.owner, 'on'), ui.ButtonSet.OK);
      return;
    }
    const mine = hourlyTriggersOfThisSheet(spreadsheet.getId());
    const recorded = mine.find((trigger) => trigger.getUniqueId() === state.triggerId);
    if (state.on && recorded) {
      removeTriggers(mine.filter((trigger) => trigger !== recorded));
      ui.alert(TITLE, hourlyAlreadyOnText(state), ui.ButtonSet.OK);
      return;
    }
    // A trigger of this user for this Sheet that the record lost (its properties cleared by hand) is reused.
    const trigger = mine[0] || ScriptApp.newTrigger(HOURLY_HANDLER).timeBased().everyHours(1).create();
    removeTriggers(mine.slice(1));
    const since = new Date().toISOString();
    const props = PropertiesService.getDocumentProperties();
    for (const key of [HOURLY_KEYS.lastRun, HOURLY_KEYS.lastOutcome, HOURLY_KEYS.nextSheetId]) props.deleteProperty(key);
    props.setProperties({
      [HOURLY_KEYS.owner]: me,
      [HOURLY_KEYS.triggerId]: trigger.getUniqueId(),
      [HOURLY_KEYS.since]: since,
    });
    PropertiesService.getUserProperties().setProperty(HOURLY_SPREADSHEET_PREFIX + trigger.getUniqueId(), spreadsheet.getId());
    const noTab = statusTabs(spreadsheet).length === 0;
    ui.alert(TITLE, joinSentences([hourlyTurnedOnText(me), noTab ? MESSAGES.hourlyNoStatusTab : '']), ui.ButtonSet.OK);
  } finally {
    lock.releaseLock();
  }
}

/**
 * Menu item "Turn off hourly status refresh".
 */
function turnOffHourlyRefresh() {
  requireEveryScope();
  const ui = SpreadsheetApp.getUi();
  const lock = takeDocumentLock(ui, TITLE);
  if (!lock) return;
  try {
    const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
    const me = currentUserEmail();
    const state = hourlyState();
    if (state.on && state.owner !== me) {
      if (!hourlyRecordIsStale(state, Date.now())) {
        ui.alert(TITLE, hourlyOwnedByOtherText(state.owner, 'off'), ui.ButtonSet.OK);
        return;
      }
      clearHourlyRecord();
      ui.alert(TITLE, hourlyStaleTurnedOffText(state.owner), ui.ButtonSet.OK);
      return;
    }
    // The owner's triggers for this Sheet: the recorded one, and any the record lost.
    removeTriggers(hourlyTriggersOfThisSheet(spreadsheet.getId()));
    if (!state.on) {
      ui.alert(TITLE, MESSAGES.hourlyNotOn, ui.ButtonSet.OK);
      return;
    }
    clearHourlyRecord();
    ui.alert(TITLE, MESSAGES.hourlyTurnedOff, ui.ButtonSet.OK);
  } finally {
    lock.releaseLock();
  }
}

/**
 * The hourly trigger's handler: refreshes every tab with the status columns, whole, within the 6 minutes, and records
 * the run. Never shows anything (no getUi, no toast). A trigger that is not this Sheet's recorded one removes itself
 * and does nothing, so at most one refresh runs per Sheet.
 * @param {{triggerUid?: string}=} e the time-driven event (triggerUid: the trigger that fired)
 */
function refreshStatusHourly(e) {
  const startedAt = Date.now();
  const uid = e && e.triggerUid ? String(e.triggerUid) : '';
  const mapped = uid ? PropertiesService.getUserProperties().getProperty(HOURLY_SPREADSHEET_PREFIX + uid) : null;
  const spreadsheet = mapped ? SpreadsheetApp.openById(mapped) : SpreadsheetApp.getActiveSpreadsheet();
  const state = hourlyState();
  if (uid && (!state.on || state.triggerId !== uid)) {
    Logger.log('Hourly status refresh: trigger ' + uid + ' is not the one this Sheet records; it is removed.');
    removeTriggers(ScriptApp.getProjectTriggers().filter((trigger) => trigger.getUniqueId() === uid));
    PropertiesService.getUserProperties().deleteProperty(HOURLY_SPREADSHEET_PREFIX + uid);
    return;
  }
  const lock = LockService.getDocumentLock();
  if (!lock.tryLock(LOCK_WAIT_MS)) {
    recordHourlyRun(startedAt, { rows: 0, changed: 0, tabs: 0, error: MESSAGES.hourlyBusy, stopped: false });
    return;
  }
  try {
    recordHourlyRun(startedAt, refreshTabs(spreadsheet, startedAt, state.nextSheetId));
  } catch (error) {
    recordHourlyRun(startedAt, {
      rows: 0,
      changed: 0,
      tabs: 0,
      error: 'The hourly refresh stopped on an error: ' + String((error && error.message) || error),
      stopped: false,
    });
    throw error; // in the execution log, and in Google's failure email to the trigger's owner
  } finally {
    lock.releaseLock();
  }
}

/**
 * Refreshes the spreadsheet's tabs with status columns, each whole, until done, an error, or too little time is left.
 * @param {GoogleAppsScript.Spreadsheet.Spreadsheet} spreadsheet the Sheet
 * @param {number} startedAt when the execution started (ms since epoch)
 * @param {string} nextSheetId the tab to start with (the one the last run did not finish), '' for the first
 * @return {{rows: number, changed: number, tabs: number, error: string, stopped: boolean, nextSheetId: string}} what
 *     was done: rows answered, rows changed or settled, tabs refreshed (whole or in part), the first error sentence,
 *     whether the time ran out, and the tab to start with next time
 */
function refreshTabs(spreadsheet, startedAt, nextSheetId) {
  const done = { rows: 0, changed: 0, tabs: 0, error: '', stopped: false, nextSheetId: '' };
  const settings = getSettings();
  const missing = missingSettings(settings);
  if (missing.length) {
    done.error = missingSettingsText(missing);
    return done;
  }
  const tabs = startingWith(statusTabs(spreadsheet), nextSheetId);
  if (!tabs.length) {
    done.error = MESSAGES.hourlyNoTab;
    return done;
  }
  for (const sheet of tabs) {
    if (EXECUTION_LIMIT_MS - (Date.now() - startedAt) < CALL_RESERVE_MS) {
      done.stopped = true;
      done.nextSheetId = String(sheet.getSheetId());
      break;
    }
    const outcome = processRows(
      {
        type: 'status',
        settings,
        spreadsheetId: spreadsheet.getId(),
        sheet,
        rows: wholeTabRows(sheet.getLastRow()),
        partSize: getPartSize(),
        startedAt,
        quiet: true,
      },
      { dryRun: false, force: false },
    );
    const counts = countStatuses(outcome.rows);
    done.tabs++;
    done.rows += outcome.rows.length - (counts.not_yet || 0);
    done.changed += (counts.changed || 0) + (counts.settled || 0);
    if (outcome.error) {
      done.error = 'Tab "' + sheet.getName() + '": ' + outcome.error;
      break;
    }
    if (outcome.stopped) {
      done.stopped = true;
      done.nextSheetId = String(sheet.getSheetId());
      break;
    }
  }
  return done;
}

/**
 * Tells whether the hourly refresh's record is stale: its trigger has not run (or, never run, was not turned on) for
 * HOURLY_STALE_MS.
 * @param {{lastRun: string, since: string}} state the record
 * @param {number} now ms since epoch
 * @return {boolean} true when stale (a record without a readable time is stale)
 */
function hourlyRecordIsStale(state, now) {
  const last = Date.parse(state.lastRun || state.since || '');
  return !Number.isFinite(last) || now - last > HOURLY_STALE_MS;
}

/**
 * The tabs in refresh order: from the one with `sheetId` (when it is among them), then the others in order.
 * @param {GoogleAppsScript.Spreadsheet.Sheet[]} tabs the tabs, in the spreadsheet's order
 * @param {string} sheetId the gid to start with, '' for the first
 * @return {GoogleAppsScript.Spreadsheet.Sheet[]} the tabs, rotated
 */
function startingWith(tabs, sheetId) {
  const at = tabs.findIndex((sheet) => String(sheet.getSheetId()) === sheetId);
  return at > 0 ? tabs.slice(at).concat(tabs.slice(0, at)) : tabs;
}

/**
 * Records an hourly run in the document properties: when it started, and its outcome (as JSON).
 * @param {number} startedAt when the run started (ms since epoch)
 * @param {{rows: number, changed: number, tabs: number, error: string, stopped: boolean, nextSheetId?: string}}
 *     outcome what it did
 */
function recordHourlyRun(startedAt, outcome) {
  const props = PropertiesService.getDocumentProperties();
  props.setProperties({
    [HOURLY_KEYS.lastRun]: new Date(startedAt).toISOString(),
    [HOURLY_KEYS.lastOutcome]: JSON.stringify({
      rows: outcome.rows,
      changed: outcome.changed,
      tabs: outcome.tabs,
      error: outcome.error,
      stopped: outcome.stopped,
    }),
  });
  if (outcome.nextSheetId) props.setProperty(HOURLY_KEYS.nextSheetId, outcome.nextSheetId);
  else props.deleteProperty(HOURLY_KEYS.nextSheetId);
}

/**
 * The hourly refresh's record, read from the document properties.
 * @return {{on: boolean, owner: string, triggerId: string, since: string, lastRun: string,
 *     lastOutcome: ?{rows: number, changed: number, tabs: number, error: string, stopped: boolean},
 *     nextSheetId: string}} on when a trigger is recorded
 */
function hourlyState() {
  const props = PropertiesService.getDocumentProperties();
  const triggerId = props.getProperty(HOURLY_KEYS.triggerId) || '';
  let lastOutcome = null;
  try {
    lastOutcome = JSON.parse(props.getProperty(HOURLY_KEYS.lastOutcome) || 'null');
  } catch (_e) {
    lastOutcome = null;
  }
  return {
    on: triggerId !== '',
    owner: props.getProperty(HOURLY_KEYS.owner) || '',
    triggerId,
    since: props.getProperty(HOURLY_KEYS.since) || '',
    lastRun: props.getProperty(HOURLY_KEYS.lastRun) || '',
    lastOutcome: lastOutcome && typeof lastOutcome === 'object' ? lastOutcome : null,
    nextSheetId: props.getProperty(HOURLY_KEYS.nextSheetId) || '',
  };
}

/**
 * What the settings sidebar shows of the hourly refresh (called through google.script.run).
 * @return {{on: boolean, owner: string, since: string, lastRun: string, text: string}} the record and its sentence
 */
function getHourlyRefreshState() {
  const state = hourlyState();
  return { on: state.on, owner: state.owner, since: state.since, lastRun: state.lastRun, text: hourlyStateText(state) };
}

/** Forgets the hourly refresh: the record of its trigger, owner and runs. */
function clearHourlyRecord() {
  const props = PropertiesService.getDocumentProperties();
  for (const key of Object.values(HOURLY_KEYS)) props.deleteProperty(key);
}

/**
 * The current user's hourly triggers for this Sheet: those of the handler mapped to this spreadsheet, or mapped to
 * none (a bound script's triggers are all its Sheet's). Google lists only the current user's triggers.
 * @param {string} spreadsheetId this Sheet
 * @return {GoogleAppsScript.Script.Trigger[]} the triggers
 */
function hourlyTriggersOfThisSheet(spreadsheetId) {
  const userProps = PropertiesService.getUserProperties();
  return ScriptApp.getProjectTriggers().filter((trigger) => {
    if (trigger.getHandlerFunction() !== HOURLY_HANDLER) return false;
    const mapped = userProps.getProperty(HOURLY_SPREADSHEET_PREFIX + trigger.getUniqueId());
    return !mapped || mapped === spreadsheetId;
  });
}

/**
 * Removes triggers of the current user, and their spreadsheet mapping.
 * @param {GoogleAppsScript.Script.Trigger[]} triggers the triggers
 */
function removeTriggers(triggers) {
  const userProps = PropertiesService.getUserProperties();
  for (const trigger of triggers) {
    userProps.deleteProperty(HOURLY_SPREADSHEET_PREFIX + trigger.getUniqueId());
    ScriptApp.deleteTrigger(trigger);
  }
}

/**
 * The email of the account the script runs as (the recruiter who chose the menu item; a trigger's owner).
 * @return {string} the email
 */
function currentUserEmail() {
  return Session.getEffectiveUser().getEmail();
}
