#!/usr/bin/env node
// End-to-end test of the WebSocket protocol with three headless browser pages (a context each):
// every page joins one meeting, publishes its fake camera + microphone and answers the server's
// subscribe offers (ws_meeting_client.js). Then the pages leave and rejoin in turns; after every
// step each present page must keep decoding the video of everyone else who is present
// (framesDecoded growing, per participant, from getStats), and no page may have refused a
// subscribe offer or seen one that breaks JSEP's m-line and mid rules (RFC 8829 5.2.2), which
// the page checks itself since browsers tolerate some breaches.
//
// The pages are Chromium (playwright-core, Debian's chromium) unless --browsers says otherwise:
// "firefox" makes them all Firefox (puppeteer-core over WebDriver BiDi, Debian's firefox-esr;
// Playwright can only drive its own patched Firefox), "chromium,firefox,firefox" names the
// browser of each page, for a mixed meeting.
//
// Usage: node ws_meeting_test.js <path/to/vcbridge> [--browsers LIST] [--chromium PATH]
//                                [--firefox PATH] [--rtc-ports MIN-MAX] [--seconds N]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {
  CHROMIUM_ARGS, FIREFOX_PREFS, Server, attachPageLogging, log, runMain, sleep, withTimeout,
} = require('./harness');

const MEETING = 'wsmeeting';
const PAGES = ['A', 'B', 'C'];
const STEP_TIMEOUT_MS = 15000;      // for every present page to show the expected progress
const MIN_NEW_FRAMES = 15;          // decoded per participant within a step (1 s at 15 fps)
const POLL_INTERVAL_MS = 500;
const DEFAULT_SECONDS = 45;         // leave/rejoin turns continue until this much has passed
const MAX_ROUNDS = 3;               // a round: every page leaves once and rejoins
const OVERALL_DEADLINE_MS = 170000; // below ctest's TIMEOUT (180 s)
const CLIENT_JS = fs.readFileSync(path.join(__dirname, 'ws_meeting_client.js'), 'utf8');

function parseArgs(argv) {
  const opts = {
    server: null,
    browsers: ['chromium'],
    chromium: '/usr/bin/chromium',
    firefox: '/usr/bin/firefox-esr',
    rtcPorts: null,
    seconds: DEFAULT_SECONDS,
  };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--browsers') opts.browsers = value().split(',');
    else if (a === '--chromium') opts.chromium = value();
    else if (a === '--firefox') opts.firefox = value();
    else if (a === '--rtc-ports') opts.rtcPorts = value();
    else if (a === '--seconds') opts.seconds = Number(value());
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (opts.server === null) opts.server = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (opts.server === null) throw new Error('usage: ws_meeting_test.js <vcbridge> [options]');
  if (opts.browsers.length === 1) opts.browsers = PAGES.map(() => opts.browsers[0]);
  if (opts.browsers.length !== PAGES.length || !opts.browsers.every((b) => b === 'chromium' || b === 'firefox')) {
    throw new Error(`--browsers needs "chromium" or "firefox", once or for each of the ${PAGES.length} pages`);
  }
  if (!(opts.seconds > 0 && opts.seconds <= 100)) throw new Error('--seconds must be in (0, 100]');
  if (opts.rtcPorts === null) {
    const base = 20000 + 200 * Math.floor(Math.random() * 200);
    opts.rtcPorts = `${base}-${base + 199}`;
  }
  return opts;
}

// Chromium through playwright-core: one browser, a context per page.
async function launchChromium(opts, baseUrl) {
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch (err) {
    throw new Error(`playwright-core is not installed; run "npm ci" in ${__dirname} (${err.message})`);
  }
  if (!fs.existsSync(opts.chromium)) throw new Error(`${opts.chromium} not found`);
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: false,  // the new headless mode is requested in args
    args: CHROMIUM_ARGS,
    timeout: 30000,
  });
  log(`chromium ${browser.version()}`);
  return {
    close: () => browser.close(),
    newContext: async () => {
      const context = await browser.newContext();
      context.setDefaultTimeout(15000);
      await context.grantPermissions(['camera', 'microphone'], { origin: baseUrl });
      return context;
    },
  };
}

// Firefox through puppeteer-core over WebDriver BiDi: one browser, a user context per page.
async function launchFirefox(opts) {
  let puppeteer;
  try {
    puppeteer = require('puppeteer-core');
  } catch (err) {
    throw new Error(`puppeteer-core is not installed; run "npm ci" in ${__dirname} (${err.message})`);
  }
  if (!fs.existsSync(opts.firefox)) throw new Error(`${opts.firefox} not found`);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: opts.firefox,
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
    timeout: 30000,
    protocolTimeout: 30000,
  });
  log(`firefox ${await browser.version()}`);
  return {
    close: () => browser.close(),
    newContext: async () => {
      const context = await browser.createBrowserContext();
      return {
        newPage: async () => {
          const page = await context.newPage();
          page.setDefaultTimeout(15000);
          return page;
        },
      };
    },
  };
}

// One browser context with one page, joined to the meeting or not.
class Member {
  constructor(name, browserName, context, baseUrl) {
    this.name = name;
    this.browserName = browserName;
    this.context = context;
    this.baseUrl = baseUrl;
    this.page = null;
    this.participantId = null;
  }

  async join() {
    this.page = await this.context.newPage();
    attachPageLogging(this.page, this.name);
    // Any same-origin page will do: the client is injected, the WebSocket goes to /ws.
    const resp = await this.page.goto(`${this.baseUrl}/healthz`, { waitUntil: 'load', timeout: 15000 });
    if (!resp || resp.status() !== 200) throw new Error(`${this.name}: GET /healthz failed`);
    await this.page.addScriptTag({ content: CLIENT_JS });
    this.participantId = await withTimeout(
      this.page.evaluate(([m, n]) => window.vcbMeeting.start(m, n), [MEETING, `page-${this.name}`]),
      30000, `${this.name} join + publish`);
    log(`${this.name} (${this.browserName}) joined as ${this.participantId}`);
  }

  async leave() {
    log(`${this.name} (${this.participantId}) leaves`);
    await withTimeout(this.page.evaluate(() => window.vcbMeeting.leave()), 5000, `${this.name} leave`);
    await withTimeout(this.page.close(), 5000, `${this.name} close`);
    this.page = null;
    this.participantId = null;
  }

  stats() {
    return withTimeout(this.page.evaluate(() => window.vcbMeeting.stats()), 5000, `${this.name} stats`);
  }
}

function describe(m, s) {
  // Present senders only (those with a current stream).
  const got = Object.keys(s.detail).map((pid) => `${pid}:${s.received[pid]} (${s.detail[pid]})`).join(' ');
  return `${m.name} ${s.participantId} sub=${s.subscribeState} pub=${s.publishState} ` +
         `offers=${s.offers} answers=${s.answers} mids=[${s.mids.join(',')}] decoded{${got}}`;
}

// Waits until every present member decoded at least MIN_NEW_FRAMES more frames of every other
// present member than at the start of the step; fails at once when a page refused an offer.
async function checkStep(members, label) {
  const present = members.filter((m) => m.page);
  const baseline = new Map();
  for (const m of present) baseline.set(m, await m.stats());
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last = new Map();
  while (Date.now() < deadline) {
    await sleep(POLL_INTERVAL_MS);
    let done = true;
    for (const m of present) {
      const s = await m.stats();
      last.set(m, s);
      if (s.errors.length) {
        log(`${label}: ${describe(m, s)}`);
        for (const l of s.log) log(`  ${m.name} | ${l}`);
        throw new Error(`${label}: ${m.name} (${m.participantId}): ${s.errors.join('; ')}`);
      }
      for (const o of present) {
        if (o === m) continue;
        const before = baseline.get(m).received[o.participantId] || 0;
        const now = s.received[o.participantId] || 0;
        if (now - before < MIN_NEW_FRAMES) done = false;
      }
    }
    if (done) {
      for (const m of present) log(`${label}: ${describe(m, last.get(m))}`);
      return;
    }
  }
  const stalled = [];
  for (const m of present) {
    const s = last.get(m);
    log(`${label}: ${describe(m, s)}`);
    for (const l of s.log) log(`  ${m.name} | ${l}`);
    for (const o of present) {
      if (o === m) continue;
      const before = baseline.get(m).received[o.participantId] || 0;
      const now = s.received[o.participantId] || 0;
      if (now - before < MIN_NEW_FRAMES) stalled.push(`${m.name} decoded ${now - before} frames of ${o.name}`);
    }
  }
  throw new Error(`${label}: within ${STEP_TIMEOUT_MS} ms ${stalled.join(', ')} (< ${MIN_NEW_FRAMES})`);
}

async function run(opts) {
  if (!fs.existsSync(opts.server)) throw new Error(`server binary ${opts.server} not found`);

  const server = new Server(opts.server, opts.rtcPorts);
  const browsers = new Map();  // 'chromium' / 'firefox' -> launched browser
  let ok = false;
  const started = Date.now();
  try {
    const baseUrl = await server.start();
    log(`server is listening on ${baseUrl}`);
    for (const b of new Set(opts.browsers)) {
      const launch = b === 'firefox' ? launchFirefox(opts) : launchChromium(opts, baseUrl);
      browsers.set(b, await withTimeout(launch, 40000, `${b} launch`));
    }
    const members = [];
    for (let i = 0; i < PAGES.length; ++i) {
      const context = await browsers.get(opts.browsers[i]).newContext();
      members.push(new Member(PAGES[i], opts.browsers[i], context, baseUrl));
    }
    for (const m of members) {
      await m.join();
      await checkStep(members, `${m.name} joined`);
    }
    let steps = 0;
    for (let round = 1; round <= MAX_ROUNDS; ++round) {
      for (const m of members) {
        await m.leave();
        await checkStep(members, `round ${round}: ${m.name} left`);
        await m.join();
        await checkStep(members, `round ${round}: ${m.name} rejoined`);
        steps += 2;
      }
      if (Date.now() - started >= opts.seconds * 1000) break;
    }
    log(`PASS: ${steps} leave/rejoin steps in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
        'every present page kept decoding everyone present');
    ok = true;
  } catch (err) {
    log(`FAIL: ${err.message}`);
    server.dumpLog();
  } finally {
    for (const [b, browser] of browsers) {
      await withTimeout(browser.close(), 10000, `${b} close`).catch((e) => log(e.message));
    }
    await server.stop();
  }
  return ok;
}

runMain(parseArgs, run, OVERALL_DEADLINE_MS);
