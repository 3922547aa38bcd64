/**
 * Settings shared by everyone who uses this Sheet, kept in the document properties, and the sidebar's Test connection.
 * No secret is stored: the function authenticates the user with their Google identity token.
 */

/** Document property names. CHUNK_SIZE is optional and not shown in the sidebar (tuning and tests): it lowers the
 * rows sent per call. */
const SETTING_KEYS = {
  functionUrl: 'FUNCTION_URL',
  interviewId: 'INTERVIEW_ID',
  hideMenu: 'HIDE_MENU',
  testMode: 'TEST_MODE',
  languageCode: 'MOJITO_LANGUAGE_CODE',
  chunkSize: 'CHUNK_SIZE',
};

/** The language of personal invitations when none is saved (the contract's default of `mojito_language_code`). */
const DEFAULT_LANGUAGE = 'en';

/** What a language code of JobMojito looks like ("en", "pt-BR", "zh_Hant"): checked before it is saved. */
const LANGUAGE_CODE_PATTERN = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/;

/**
 * Most rows sent in one call: the function's MAX_ROWS (5,000 by default). The function answers each call within its
 * own deadline (under UrlFetchApp's 60 s) and lists the rows it had no time for in `remaining`, so a call never needs
 * to be smaller for time's sake. A function deployed with a lower MAX_ROWS answers 413 too_many_rows, and the run
 * halves its parts (see processRows).
 */
const MAX_PART_ROWS = 5000;

/**
 * The settings as the script uses them.
 * @typedef {{functionUrl: string, interviewId: string, hideMenu: boolean, testMode: boolean, languageCode: string}}
 *     Settings
 */

/**
 * Checks settings typed in the sidebar, without side effects. An empty function URL means the deployed one
 * (DEPLOYED_FUNCTION_URL), when there is one; an empty language means DEFAULT_LANGUAGE.
 * @param {{functionUrl?: *, interviewId?: *, hideMenu?: *, testMode?: *, languageCode?: *}} input values from the
 *     sidebar form
 * @return {{ok: boolean, errors: string[], settings: Settings}} the cleaned settings, and one plain sentence per
 *     problem (none when ok)
 */
function validateSettings(input) {
  const functionUrl = String((input && input.functionUrl) || '').trim() || DEPLOYED_FUNCTION_URL;
  const interviewId = String((input && input.interviewId) || '').trim();
  const hideMenu = Boolean(input && input.hideMenu);
  const testMode = Boolean(input && input.testMode);
  const languageCode = String((input && input.languageCode) || '').trim() || DEFAULT_LANGUAGE;
  const errors = [];
  if (!functionUrl) {
    errors.push('Fill in the function URL.');
  } else if (!isAllowedFunctionUrl(functionUrl)) {
    errors.push('The function URL must start with https:// (http:// is allowed only for localhost and 127.0.0.1).');
  }
  if (!interviewId) {
    errors.push('Fill in the interview ID.');
  }
  if (!LANGUAGE_CODE_PATTERN.test(languageCode)) {
    errors.push('Choose the language of personal invitations from the list.');
  }
  return { ok: errors.length === 0, errors, settings: { functionUrl, interviewId, hideMenu, testMode, languageCode } };
}

/**
 * Tells whether a URL may be used as the function URL: https, or plain http to the local machine for testing.
 * @param {string} url the URL to check
 * @return {boolean} true when allowed
 */
function isAllowedFunctionUrl(url) {
  return /^https:\/\/[^\s/]+(\/\S*)?$/i.test(url) || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/\S*)?$/i.test(url);
}

/**
 * Reads the saved settings (called by the sidebar through google.script.run). The function URL defaults to the one
 * `make deploy` wrote into Deployment.js, so a Sheet works without typing it; a URL saved in the settings wins.
 * Test mode is off and the language of personal invitations DEFAULT_LANGUAGE unless saved otherwise.
 * @return {Settings} the saved settings, empty strings when unset
 */
/**
 * The settings a call to the function needs that are not set yet, named for the recruiter.
 * @param {{functionUrl: string, interviewId: string}} settings the saved settings
 * @return {string[]} e.g. ["function URL", "interview ID"]; empty when both are set
 */
function missingSettings(settings) {
  const missing = [];
  if (!settings.functionUrl) missing.push('function URL');
  if (!settings.interviewId) missing.push('interview ID');
  return missing;
}

/**
 * For a menu item: true when the settings a call needs are set; otherwise says which are missing and opens Settings.
 * @param {GoogleAppsScript.Base.Ui} ui the spreadsheet's UI
 * @param {{functionUrl: string, interviewId: string}} settings the saved settings
 * @return {boolean} whether the menu item may go on
 */
function settingsReady(ui, settings) {
  const missing = missingSettings(settings);
  if (!missing.length) return true;
  ui.alert(TITLE, missingSettingsText(missing), ui.ButtonSet.OK);
  showSettings();
  return false;
}

function getSettings() {
  const props = PropertiesService.getDocumentProperties();
  return {
    functionUrl: props.getProperty(SETTING_KEYS.functionUrl) || DEPLOYED_FUNCTION_URL || '',
    interviewId: props.getProperty(SETTING_KEYS.interviewId) || '',
    hideMenu: props.getProperty(SETTING_KEYS.hideMenu) === 'true',
    testMode: props.getProperty(SETTING_KEYS.testMode) === 'true',
    languageCode: props.getProperty(SETTING_KEYS.languageCode) || DEFAULT_LANGUAGE,
  };
}

/**
 * Validates and saves the settings (called by the sidebar through google.script.run). The deployed function URL is
 * not saved, only a different one: a Sheet that uses the deployed URL follows the next `make deploy`.
 * @param {{functionUrl: string, interviewId: string, hideMenu: boolean, testMode?: boolean, languageCode?: string}}
 *     input values from the sidebar form
 * @return {Settings} the settings as saved
 * @throws {Error} with the problems as plain sentences when a value is invalid; nothing is saved then
 */
function saveSettings(input) {
  const checked = validateSettings(input);
  if (!checked.ok) {
    throw new Error(checked.errors.join(' '));
  }
  const props = PropertiesService.getDocumentProperties();
  props.setProperties({
    [SETTING_KEYS.interviewId]: checked.settings.interviewId,
    [SETTING_KEYS.hideMenu]: String(checked.settings.hideMenu),
    [SETTING_KEYS.testMode]: String(checked.settings.testMode),
    [SETTING_KEYS.languageCode]: checked.settings.languageCode,
  });
  if (checked.settings.functionUrl === DEPLOYED_FUNCTION_URL) {
    props.deleteProperty(SETTING_KEYS.functionUrl);
  } else {
    props.setProperty(SETTING_KEYS.functionUrl, checked.settings.functionUrl);
  }
  return checked.settings;
}

/**
 * Test connection (called by the sidebar through google.script.run): asks the function to check each link of the
 * chain with the settings typed in the sidebar (saved or not) and this tab, sending nothing and writing nothing:
 * the function, the caller's permission, Sheets access, JobMojito's credentials, the interview, and the invitations
 * left. The request is `{spreadsheet_id, sheet_id, interview_id, "action": "check"}`, with the same headers as a run.
 * @param {{functionUrl: string, interviewId: string, hideMenu: boolean}} input values from the sidebar form
 * @return {{ok: boolean, headline: string, checks: Array<{name: string, ok: boolean, message: string}>}} each link
 *     with ✓ or ✗ and its sentence (see connectionReport)
 * @throws {Error} with the problems as plain sentences when a value is invalid; nothing is called then
 */
function testConnection(input) {
  const checked = validateSettings(input);
  if (!checked.ok) {
    throw new Error(checked.errors.join(' '));
  }
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  const answer = callFunction(
    checked.settings.functionUrl,
    {
      spreadsheet_id: spreadsheet.getId(),
      sheet_id: spreadsheet.getActiveSheet().getSheetId(),
      interview_id: checked.settings.interviewId,
      action: 'check',
    },
    isWellFormedCheckAnswer,
  );
  return connectionReport(answer);
}

/**
 * The language choices of the settings sidebar (called through google.script.run): the function's list of
 * JobMojito's languages (`{"action": "languages"}`, which needs no other field), with the saved language chosen. When
 * the list cannot be loaded (no function URL yet, the function unreachable or refusing), the saved language is the
 * only choice and the sentence says why (see languageChoices).
 * @param {{functionUrl?: string}=} input the function URL typed in the sidebar, saved or not (default: the saved one)
 * @return {{ok: boolean, selected: string, languages: Array<{code: string, name: string}>, message: string}} the choices
 */
function getLanguageChoices(input) {
  const settings = getSettings();
  const url = String((input && input.functionUrl) || '').trim() || settings.functionUrl;
  if (!url || !isAllowedFunctionUrl(url)) {
    return languageChoices({ ok: false, message: 'fill in the function URL first' }, settings.languageCode);
  }
  return languageChoices(callFunction(url, { action: 'languages' }, isWellFormedLanguagesAnswer), settings.languageCode);
}

/**
 * Reads the most rows per call: the CHUNK_SIZE document property when it is a whole number
 * from 1 to MAX_PART_ROWS, otherwise MAX_PART_ROWS.
 * @return {number} rows per call
 */
function getPartSize() {
  const raw = PropertiesService.getDocumentProperties().getProperty(SETTING_KEYS.chunkSize);
  const size = Number(raw);
  return Number.isInteger(size) && size >= 1 && size <= MAX_PART_ROWS ? size : MAX_PART_ROWS;
}

/**
 * Menu item "Settings…": opens the settings sidebar.
 */
function showSettings() {
  requireEveryScope();
  const html = HtmlService.createHtmlOutputFromFile('Settings').setTitle('JobMojito settings');
  SpreadsheetApp.getUi().showSidebar(html);
}
