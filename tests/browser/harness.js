// Shared pieces of the headless browser tests: logging, bounded waits, the vcbridge process,
// Chromium's command line and Firefox's preferences.
'use strict';

const { spawn } = require('node:child_process');
const readline = require('node:readline');

const SERVER_READY_TIMEOUT_MS = 15000;
const SHUTDOWN_TIMEOUT_MS = 5000;
const MAX_LOG_LINES = 300;

// The server being tested, so that a watchdog or signal can still kill it.
let activeServer = null;
const currentServer = () => activeServer;

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--mute-audio',
];

// Preferences of the headless Firefox pages (puppeteer-core over WebDriver BiDi, Debian's
// firefox-esr): fake camera and microphone without a permission prompt, and ICE on the loopback
// interface, where vcbridge listens. Firefox gathers loopback candidates only with
// ice.loopback and only when the page is not limited to the default route's address, which it is
// unless it holds a persistent camera or microphone permission (capturing the fake devices does
// not count): hence permissions.default.* = 1 (allow).
const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'media.volume_scale': '0.0',
};

function log(msg) {
  process.stdout.write(`[browser-test] ${msg}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Rejects after `ms` so that no await in this test can hang forever.
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

class Server {
  // extraArgs: more command-line arguments (a --config file, say).
  constructor(binary, rtcPorts, extraArgs = []) {
    this.binary = binary;
    this.rtcPorts = rtcPorts;
    this.extraArgs = extraArgs;
    this.listen = '127.0.0.1:0';
    this.proc = null;
    this.lines = [];
    this.exited = null;
  }

  remember(stream, line) {
    this.lines.push(`${stream}: ${line}`);
    if (this.lines.length > MAX_LOG_LINES) this.lines.shift();
  }

  // Resolves with the base URL from the single "vcbridge listening on ..." line.
  start() {
    this.exited = null;
    const args = ['--listen', this.listen, '--media-ip', '127.0.0.1', '--rtc-ports', this.rtcPorts,
      ...this.extraArgs];
    log(`starting ${this.binary} ${args.join(' ')}`);
    this.proc = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    activeServer = this;
    const ready = new Promise((resolve, reject) => {
      const out = readline.createInterface({ input: this.proc.stdout });
      out.on('line', (line) => {
        this.remember('out', line);
        const m = /^vcbridge listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/.exec(line);
        if (m) {
          // A restart (start() again after stop()) listens on the same port, so that pages
          // can come back to the address they know.
          this.listen = `127.0.0.1:${m[2]}`;
          resolve(m[1]);
        }
      });
      readline.createInterface({ input: this.proc.stderr }).on('line', (l) => this.remember('err', l));
      this.proc.on('error', (err) => reject(new Error(`cannot start server: ${err.message}`)));
      this.proc.on('exit', (code, signal) => {
        this.exited = { code, signal };
        reject(new Error(`server exited before it was ready (code ${code}, signal ${signal})`));
      });
    });
    return withTimeout(ready, SERVER_READY_TIMEOUT_MS, 'server ready line');
  }

  async stop() {
    if (!this.proc || this.exited) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill('SIGTERM');
    try {
      await withTimeout(exited, SHUTDOWN_TIMEOUT_MS, 'server shutdown');
    } catch (_) {
      log('server ignored SIGTERM, killing it');
      this.proc.kill('SIGKILL');
      await withTimeout(exited, SHUTDOWN_TIMEOUT_MS, 'server kill').catch(() => {});
    }
  }

  killNow() {
    if (this.proc && !this.exited) this.proc.kill('SIGKILL');
  }

  dumpLog() {
    log(`last ${this.lines.length} server log lines:`);
    for (const l of this.lines) process.stdout.write(`  ${l}\n`);
  }
}

function attachPageLogging(page, name) {
  page.on('console', (msg) => {
    // Playwright says 'warning', puppeteer 'warn'.
    if (['error', 'warning', 'warn'].includes(msg.type())) log(`${name} console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => log(`${name} page error: ${err.message}`));
  page.on('requestfailed', (req) => log(`${name} request failed: ${req.method()} ${req.url()}`));
}

// Collects what goes wrong in pages: console errors, uncaught page errors, failed requests and
// HTTP answers >= 400 from the server under test. A scenario allows what it expects (allow(re,
// from, to): problems whose text matches re, noted between the times from and to in ms, e.g. the
// WebSocket failures while the server restarts) and calls check(), which throws on any other.
class PageProblems {
  constructor(serverUrl = null) {
    this.serverUrl = serverUrl;
    this.problems = [];
    this.allowed = [];
  }

  watch(page, name) {
    const note = (text) => this.problems.push({ text: `${name}: ${text}`, time: Date.now() });
    page.on('console', (msg) => { if (msg.type() === 'error') note(`console error: ${msg.text()}`); });
    page.on('pageerror', (err) => note(`page error: ${err.message}`));
    page.on('requestfailed', (req) => {
      const failure = req.failure();
      note(`request failed: ${req.method()} ${req.url()} ${failure ? failure.errorText : ''}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400 && (!this.serverUrl || res.url().startsWith(this.serverUrl))) {
        note(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
      }
    });
  }

  allow(re, from = 0, to = Infinity) {
    this.allowed.push({ re, from, to });
  }

  unexpected() {
    return this.problems.filter((p) => !this.allowed.some((a) => a.re.test(p.text) && p.time >= a.from && p.time <= a.to))
      .map((p) => p.text);
  }

  check() {
    const bad = this.unexpected();
    if (bad.length) throw new Error(`${bad.length} unexpected page problem(s):\n  ${bad.join('\n  ')}`);
  }
}

// The script's entry point: parses the arguments, runs the test, prints the plain
// "N passed, N failed" line ctest's summary is read from, and stops hard after deadlineMs in case
// something outside the bounded waits hangs (or on SIGINT/SIGTERM), killing the server.
function runMain(parseArgs, run, deadlineMs) {
  const main = async () => {
    let opts;
    try {
      opts = parseArgs(process.argv.slice(2));
    } catch (err) {
      log(err.message);
      return 2;
    }
    try {
      const ok = await run(opts);
      process.stdout.write(ok ? '1 passed, 0 failed\n' : '0 passed, 1 failed\n');
      return ok ? 0 : 1;
    } catch (err) {
      log(`FAIL: ${err.message}`);
      process.stdout.write('0 passed, 1 failed\n');
      return 1;
    }
  };
  const watchdog = setTimeout(() => {
    log(`FAIL: overall deadline of ${deadlineMs / 1000} s exceeded`);
    if (currentServer()) currentServer().dumpLog();
    if (currentServer()) currentServer().killNow();
    process.exit(1);
  }, deadlineMs);
  watchdog.unref();
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      log(`FAIL: got ${sig}`);
      if (currentServer()) currentServer().killNow();
      process.exit(1);
    });
  }
  main().then((code) => {
    clearTimeout(watchdog);
    process.exitCode = code;
  });
}

module.exports = { CHROMIUM_ARGS, FIREFOX_PREFS, PageProblems, Server, attachPageLogging, currentServer, log, runMain, sleep, withTimeout };
