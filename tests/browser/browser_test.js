#!/usr/bin/env node
// End-to-end test: headless Chromium publishes its fake camera to vcbridge over WHIP from the
// demo page, a second page watches the meeting over WHEP, and the test passes once the viewer
// has decoded enough video frames.
//
// Usage: node browser_test.js <path/to/vcbridge> [--chromium PATH] [--rtc-ports MIN-MAX]
//                             [--screenshots DIR]
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  CHROMIUM_ARGS, Server, attachPageLogging, log, runMain, sleep, withTimeout,
} = require('./harness');

const MEETING = 'browser';
const PUBLISH_TIMEOUT_MS = 20000;
const WATCH_TIMEOUT_MS = 30000;
const POLL_INTERVAL_MS = 500;
const MIN_FRAMES_DECODED = 30;

function parseArgs(argv) {
  const opts = { server: null, chromium: '/usr/bin/chromium', rtcPorts: null, screenshots: null };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--chromium') opts.chromium = value();
    else if (a === '--rtc-ports') opts.rtcPorts = value();
    else if (a === '--screenshots') opts.screenshots = value();
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (opts.server === null) opts.server = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (opts.server === null) throw new Error('usage: browser_test.js <vcbridge> [options]');
  if (opts.rtcPorts === null) {
    // A random 200-port window keeps concurrent runs on one machine from colliding.
    const base = 20000 + 200 * Math.floor(Math.random() * 200);
    opts.rtcPorts = `${base}-${base + 199}`;
  }
  return opts;
}

async function pageStats(page) {
  return withTimeout(page.evaluate(() => window.vcbStats()), 5000, 'vcbStats()');
}

function describe(s) {
  return `state=${s.connectionState} framesEncoded=${s.framesEncoded} framesDecoded=${s.framesDecoded}` +
         ` bytesSent=${s.bytesSent} bytesReceived=${s.bytesReceived} packetsLost=${s.packetsLost}` +
         ` codec=${s.videoCodec || '-'} status="${s.status}"`;
}

// Polls vcbStats() until `done` holds; fails early when the page reports an error.
async function waitFor(page, name, timeoutMs, done) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  let lastPrint = 0;
  while (Date.now() < deadline) {
    last = await pageStats(page);
    if (done(last)) {
      log(`${name}: ${describe(last)}`);
      return last;
    }
    if (last.error) throw new Error(`${name} reported an error: ${last.error}`);
    if (Date.now() - lastPrint >= 2000) {
      log(`${name}: ${describe(last)}`);
      lastPrint = Date.now();
    }
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`${name} did not get there within ${timeoutMs} ms; last: ${last ? describe(last) : 'none'}`);
}

async function screenshot(page, dir, name) {
  if (!dir || !page) return;
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
    await withTimeout(page.screenshot({ path: file, fullPage: true }), 10000, 'screenshot');
    log(`screenshot ${file}`);
  } catch (err) {
    log(`screenshot of ${name} failed: ${err.message}`);
  }
}

async function run(opts) {
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch (err) {
    throw new Error(`playwright-core is not installed; run "npm ci" in ${__dirname} (${err.message})`);
  }
  if (!fs.existsSync(opts.chromium)) {
    throw new Error(`${opts.chromium} not found; install Debian's chromium package (apt-get install -y chromium)`);
  }
  if (!fs.existsSync(opts.server)) throw new Error(`server binary ${opts.server} not found`);

  const server = new Server(opts.server, opts.rtcPorts);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcb-chromium-'));
  let context = null;
  let publisher = null;
  let viewer = null;
  let ok = false;
  try {
    const baseUrl = await server.start();
    log(`server is listening on ${baseUrl}`);

    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: opts.chromium,
      // Playwright would add plain --headless; the new headless mode is requested in args.
      headless: false,
      args: CHROMIUM_ARGS,
      timeout: 30000,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(15000);
    await context.grantPermissions(['camera', 'microphone'], { origin: baseUrl });

    publisher = await context.newPage();
    attachPageLogging(publisher, 'publisher');
    const pubUrl = `${baseUrl}/demo?meeting=${MEETING}&autostart=publish&lang=en`;
    log(`publisher opens ${pubUrl}`);
    const pubResp = await publisher.goto(pubUrl, { waitUntil: 'load', timeout: 15000 });
    if (!pubResp || pubResp.status() !== 200) {
      throw new Error(`GET /demo returned ${pubResp ? pubResp.status() : 'no response'}`);
    }
    const pubStats = await waitFor(publisher, 'publisher', PUBLISH_TIMEOUT_MS,
                                   (s) => s.connectionState === 'connected' && s.framesEncoded > 0);

    viewer = await context.newPage();
    attachPageLogging(viewer, 'viewer');
    const watchUrl = `${baseUrl}/demo?meeting=${MEETING}&autostart=watch&lang=en`;
    log(`viewer opens ${watchUrl}`);
    await viewer.goto(watchUrl, { waitUntil: 'load', timeout: 15000 });
    const watchStats = await waitFor(viewer, 'viewer', WATCH_TIMEOUT_MS,
                                     (s) => s.framesDecoded > MIN_FRAMES_DECODED);
    const finalPub = await pageStats(publisher);
    log(`publisher at the end: ${describe(finalPub)}`);
    await screenshot(publisher, opts.screenshots, 'publisher');
    await screenshot(viewer, opts.screenshots, 'viewer');

    if (!(finalPub.framesEncoded > 0)) throw new Error('publisher framesEncoded is 0');
    log(`PASS: viewer decoded ${watchStats.framesDecoded} frames (> ${MIN_FRAMES_DECODED}),` +
        ` publisher encoded ${Math.max(pubStats.framesEncoded, finalPub.framesEncoded)} frames`);
    ok = true;
  } catch (err) {
    log(`FAIL: ${err.message}`);
    await screenshot(publisher, opts.screenshots, 'publisher-failure');
    await screenshot(viewer, opts.screenshots, 'viewer-failure');
    server.dumpLog();
  } finally {
    if (context) await withTimeout(context.close(), 10000, 'browser close').catch((e) => log(e.message));
    await server.stop();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  return ok;
}

runMain(parseArgs, run, 110000);
