'use strict';
/**
 * Synchronous HTTP for the end-to-end fakes: Apps Script's UrlFetchApp.fetch blocks, so the fakes must too.
 * A worker thread makes the request with fetch() while the calling thread sleeps in Atomics.wait on a
 * shared flag; the worker posts the answer on a MessageChannel, sets the flag and wakes the caller, who
 * reads the answer with receiveMessageOnPort. One worker serves every request of the process.
 */
const { Worker, MessageChannel, receiveMessageOnPort } = require('node:worker_threads');

/** UrlFetchApp gives up after about 60 seconds; so do the fakes. */
const TIMEOUT_MS = 60_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag } = workerData;
port.on('message', async ({ request }) => {
  let answer;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    answer = { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
  } catch (e) {
    answer = { error: String((e.cause && e.cause.message) || e.message) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let channel = null;

/** Starts the worker on first use; it does not keep the process alive. */
function worker() {
  if (!channel) {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag }, transferList: [port2] });
    thread.unref();
    port1.unref();
    channel = { port: port1, flag };
  }
  return channel;
}

/**
 * Makes an HTTP request and waits for its answer.
 * @param {{method: string, url: string, headers?: Object<string, string>, body?: string, timeoutMs?: number}} request
 * @return {{status: number, headers: Object<string, string>, text: string}} the answer
 * @throws {Error} when the server cannot be reached or does not answer in time, like UrlFetchApp
 */
function syncRequest(request) {
  const { port, flag } = worker();
  const timeoutMs = request.timeoutMs || TIMEOUT_MS;
  Atomics.store(flag, 0, 0);
  port.postMessage({ request: { ...request, headers: request.headers || {}, timeoutMs } });
  if (Atomics.wait(flag, 0, 0, timeoutMs + 5_000) === 'timed-out') {
    throw new Error('Exception: Timeout: ' + request.url);
  }
  const answer = receiveMessageOnPort(port).message;
  if (answer.error) {
    throw new Error('Exception: Address unavailable: ' + request.url + ' (' + answer.error + ')');
  }
  return answer;
}

module.exports = { syncRequest };
