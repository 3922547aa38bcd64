/**
 * Settings shared by everyone who uses this Sheet, kept in the document properties.
 * No secret is stored: the function authenticates the user with their Google identity token.
 */

/** Document property names. CHUNK_SIZE is optional and not shown in the sidebar (tuning and tests). */
const SETTING_KEYS = {
  functionUrl: 'FUNCTION_URL',
  interviewId: 'INTERVIEW_ID',
  hideMenu: 'HIDE_MENU',
  chunkSize: 'CHUNK_SIZE',
};

/** Most rows sent in one call to the function, so that each call answers well within 60 seconds. */
const MAX_CHUNK_SIZE = 500;

/**
 * Checks settings typed in the sidebar, without side effects.
 * @param {{functionUrl?: *, interviewId?: *, hideMenu?: *}} input values from the sidebar form
 * @return {{ok: boolean, errors: string[], settings: {functionUrl: string, interviewId: string, hideMenu: boolean}}}
 *     the cleaned settings, and one plain sentence per problem (none when ok)
 */
function validateSettings(input) {
  const functionUrl = String((input && input.functionUrl) || '').trim();
  const interviewId = String((input && input.interviewId) || '').trim();
  const hideMenu = Boolean(input && input.hideMenu);
  const errors = [];
  if (!functionUrl) {
    errors.push('Fill in the function URL.');
  } else if (!isAllowedFunctionUrl(functionUrl)) {
    errors.push('The function URL must start with https:// (http:// is allowed only for localhost and 127.0.0.1).');
  }
  if (!interviewId) {
    errors.push('Fill in the interview ID.');
  }
  return { ok: errors.length === 0, errors, settings: { functionUrl, interviewId, hideMenu } };
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
 * Reads the saved settings (called by the sidebar through google.script.run).
 * @return {{functionUrl: string, interviewId: string, hideMenu: boolean}} the saved settings, empty strings when unset
 */
function getSettings() {
  const props = PropertiesService.getDocumentProperties();
  return {
    functionUrl: props.getProperty(SETTING_KEYS.functionUrl) || '',
    interviewId: props.getProperty(SETTING_KEYS.interviewId) || '',
    hideMenu: props.getProperty(SETTING_KEYS.hideMenu) === 'true',
  };
}

/**
 * Validates and saves the settings (called by the sidebar through google.script.run).
 * @param {{functionUrl: string, interviewId: string, hideMenu: boolean}} input values from the sidebar form
 * @return {{functionUrl: string, interviewId: string, hideMenu: boolean}} the settings as saved
 * @throws {Error} with the problems as plain sentences when a value is invalid; nothing is saved then
 */
function saveSettings(input) {
  const checked = validateSettings(input);
  if (!checked.ok) {
    throw new Error(checked.errors.join(' '));
  }
  PropertiesService.getDocumentProperties().setProperties({
    [SETTING_KEYS.functionUrl]: checked.settings.functionUrl,
    [SETTING_KEYS.interviewId]: checked.settings.interviewId,
    [SETTING_KEYS.hideMenu]: String(checked.settings.hideMenu),
  });
  return checked.settings;
}

/**
 * Reads the number of rows per call: the CHUNK_SIZE document property when it is a whole number
 * from 1 to MAX_CHUNK_SIZE, otherwise MAX_CHUNK_SIZE.
 * @return {number} rows per call
 */
function getChunkSize() {
  const raw = PropertiesService.getDocumentProperties().getProperty(SETTING_KEYS.chunkSize);
  const size = Number(raw);
  return Number.isInteger(size) && size >= 1 && size <= MAX_CHUNK_SIZE ? size : MAX_CHUNK_SIZE;
}

/**
 * Opens the settings sidebar.
 */
function showSettings() {
  const html = HtmlService.createHtmlOutputFromFile('Settings').setTitle('JobMojito settings');
  SpreadsheetApp.getUi().showSidebar(html);
}
