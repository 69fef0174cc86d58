#!/usr/bin/env node
// The web client's recording controls in headless Chromium against a FAKE server (this script):
// it serves signaling/web/app, answers the WebSocket protocol's join, startRecording and
// stopRecording as docs/protocol.md "Recording" says, and the REST list of recordings. It checks
// what no unit test can: the page's wiring — the technician's button (label, aria-pressed,
// aria-disabled while pending, focus kept), the refusal's words, the indicator in the header and
// the list fetched with the token, and a download through a ticketed address. The server's side of
// the tickets is tested against the binary (RecordingsAccessAppTest). Usage: node tests/browser/recording_ui_test.js
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { chromium } = require('playwright-core');

const appDir = path.resolve(__dirname, '../../signaling/web/app');
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml' };
const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = `${b64url({ alg: 'none' })}.${b64url({ sub: 'ky-thuat', role: 'technician', meeting: 'giao-ban', name: 'KTV' })}.x`;

const seen = { listAuth: [], requests: [], linkAuth: [], fileGets: [] };
const FILE_BYTES = Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 7 + 3) & 255));
let recording = false;
let refuseNext = null;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/api/meetings/giao-ban/recordings/r1.webm/link' && req.method === 'POST') {
    seen.linkAuth.push(req.headers.authorization || '');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ url: '/api/meetings/giao-ban/recordings/r1.webm?ticket=99.abcd', expiresAt: 99 }));
    return;
  }
  if (url.pathname === '/api/meetings/giao-ban/recordings/r1.webm') {
    seen.fileGets.push({ ticket: url.searchParams.get('ticket'), auth: req.headers.authorization || '' });
    res.writeHead(200, { 'Content-Type': 'video/webm', 'Content-Disposition': 'attachment; filename="r1.webm"' });
    res.end(FILE_BYTES);
    return;
  }
  if (url.pathname === '/api/meetings/giao-ban/recordings') {
    seen.listAuth.push(req.headers.authorization || '');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ recordings: [{ id: 'r1', start: '2026-12-05T01:00:00Z', end: '2026-12-05T02:00:00Z',
      state: 'complete', files: [{ name: 'r1.webm', bytes: 1500000, sha256: 'ab' }] }] }));
    return;
  }
  const file = url.pathname === '/' ? 'index.html' : url.pathname.replace(/^\/app\//, '');
  const full = path.join(appDir, file);
  if (!full.startsWith(appDir) || !fs.existsSync(full)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(full)] || 'application/octet-stream' });
  res.end(fs.readFileSync(full));
});

function frame(text) {
  const body = Buffer.from(text);
  const head = body.length < 126 ? Buffer.from([0x81, body.length])
    : Buffer.from([0x81, 126, body.length >> 8, body.length & 255]);
  return Buffer.concat([head, body]);
}

server.on('upgrade', (req, socket) => {
  const accept = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const send = (m) => socket.write(frame(JSON.stringify(m)));
  const state = () => send({ type: 'meetingState', state: 'in_session', chair: 'chu-tich', queue: [], speakers: [], recording });
  let buf = Buffer.alloc(0);
  let seq = 0;
  socket.on('data', (data) => {
    buf = Buffer.concat([buf, data]);
    while (buf.length >= 2) {
      let len = buf[1] & 127; let off = 2;
      if (len === 126) { len = buf.readUInt16BE(2); off = 4; }
      if (buf.length < off + 4 + len) return;
      const mask = buf.subarray(off, off + 4);
      const payload = Buffer.from(buf.subarray(off + 4, off + 4 + len)).map((b, i) => b ^ mask[i % 4]);
      const opcode = buf[0] & 15;
      buf = buf.subarray(off + 4 + len);
      if (opcode === 8) { socket.end(); return; }
      if (opcode !== 1) continue;
      const m = JSON.parse(payload.toString());
      if (m.type === 'join') {
        send({ type: 'joined', participantId: 'p1', meeting: 'giao-ban', participants: [], units: [] });
        state();
      } else if (m.type === 'startRecording' || m.type === 'stopRecording') {
        seen.requests.push(m);
        const answer = () => {
          if (refuseNext) {
            send({ type: 'error', code: refuseNext, message: 'refused', requestId: m.requestId });
            refuseNext = null;
            return;
          }
          recording = m.type === 'startRecording';
          send({ type: 'meetingEvent', seq: ++seq, time: Date.now(), event: recording ? 'recording_started' : 'recording_stopped',
            unit: '', subject: 'ky-thuat', detail: {} });
          state();
        };
        setTimeout(answer, 700);  // long enough to see the button wait
      }
    }
  });
  socket.on('error', () => {});
});

function expect(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  process.stdout.write(`ok - ${what}\n`);
}

async function main() {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--mute-audio'] });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => process.stdout.write(`page error: ${e.message}\n`));
    await page.goto(`${base}/?token=${token}&lang=vi`);
    await page.click('#join-submit');
    const button = page.locator('#tech-recording');
    await button.waitFor({ state: 'visible', timeout: 10000 });
    expect(await button.textContent() === 'Ghi hình', 'the technician sees "Ghi hình"');
    expect(await button.getAttribute('aria-pressed') === 'false', 'aria-pressed false');
    expect(await page.textContent('#recording-indicator') === '', 'no indicator before recording');
    await page.waitForFunction(() => document.querySelector('#tech-recordings-list table'), null, { timeout: 5000 });
    expect(seen.listAuth[0] === `Bearer ${token}`, 'the list is fetched with the page\'s token when the panel opens');
    expect((await page.textContent('#tech-recordings-list')).includes('1,5 MB'), 'the list shows the size');

    // A download: the page asks for a ticketed address with its token, and the browser itself
    // fetches that address (no token) and saves the file: streamed to disk, not a blob in the page.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 10000 }),
      page.click('#tech-recordings-list a'),
    ]);
    expect(seen.linkAuth.length === 1 && seen.linkAuth[0] === `Bearer ${token}`, 'the link is asked for with the page\'s token');
    expect(download.suggestedFilename() === 'r1.webm', 'the browser saves r1.webm');
    const saved = fs.readFileSync(await download.path());
    expect(saved.equals(FILE_BYTES), 'the saved file has the server\'s bytes');
    expect(seen.fileGets.length === 1 && seen.fileGets[0].ticket === '99.abcd' && seen.fileGets[0].auth === '',
      'the browser fetched the ticketed address itself, without the token');
    expect(!(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('r1.webm?ticket')))),
      'the page did not fetch the file itself');

    await button.focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(150);
    expect(await button.getAttribute('aria-disabled') === 'true', 'waits for the server (aria-disabled)');
    expect(await page.evaluate(() => document.activeElement.id) === 'tech-recording', 'keeps the focus meanwhile');
    await page.keyboard.press('Enter');  // ignored while pending
    await page.waitForFunction(() => document.querySelector('#recording-indicator').textContent === 'Đang ghi hình', null, { timeout: 5000 });
    expect(seen.requests.length === 1 && seen.requests[0].type === 'startRecording' && typeof seen.requests[0].requestId === 'number',
      'one startRecording with a requestId (the second Enter was ignored)');
    expect(await button.textContent() === 'Dừng ghi hình' && await button.getAttribute('aria-pressed') === 'true',
      'the button now stops (aria-pressed true)');
    expect(await button.getAttribute('aria-disabled') === 'false', 'enabled again');
    expect((await page.textContent('#tech-events')).includes('Bắt đầu ghi hình'), 'the log says recording started');
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });

    // A hall's TV joining now: the overlay says it is recorded.
    const hallToken = `${b64url({ alg: 'none' })}.${b64url({ sub: 'hoi-truong', role: 'room', unit: 'ts', meeting: 'giao-ban' })}.x`;
    const hall = await browser.newPage();
    await hall.goto(`${base}/?token=${hallToken}&lang=en`);
    await hall.waitForFunction(() => document.querySelector('#hall-recording').textContent === 'Recording', null, { timeout: 10000 });
    expect(await hall.locator('#hall-recording').isVisible(), 'the hall overlay shows "Recording"');
    expect(await hall.getAttribute('#hall-recording', 'role') === 'status', 'as a status (aria-live)');
    if (process.env.SCREENSHOT) await hall.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, '-hall.png') });
    await hall.close();

    // The chair (meetingState.chair) has the same button in its panel, showing Stop now.
    const chairToken = `${b64url({ alg: 'none' })}.${b64url({ sub: 'chu-tich', role: 'chair', unit: 'ts', meeting: 'giao-ban' })}.x`;
    const chair = await browser.newPage();
    await chair.goto(`${base}/?token=${chairToken}&lang=en&mode=normal`);
    await chair.click('#join-submit');
    await chair.locator('#chair-recording').waitFor({ state: 'visible', timeout: 10000 });
    expect(await chair.textContent('#chair-recording') === 'Stop recording' &&
      await chair.getAttribute('#chair-recording', 'aria-pressed') === 'true', 'the chair\'s panel offers "Stop recording"');
    expect(await chair.textContent('#recording-indicator') === 'Recording', 'the chair\'s header says "Recording"');
    await chair.close();

    // auth: dev (no token): the technician has the button but no list, and asks for none.
    const listsBefore = seen.listAuth.length;
    const dev = await browser.newPage();
    await dev.goto(`${base}/?meeting=giao-ban&lang=en`);
    await dev.fill('#join-name', 'KTV dev');
    await dev.selectOption('#join-role', 'technician');
    await dev.click('#join-submit');
    await dev.locator('#tech-recording').waitFor({ state: 'visible', timeout: 10000 });
    await dev.waitForTimeout(300);
    expect(!(await dev.locator('#tech-recordings').isVisible()) && seen.listAuth.length === listsBefore,
      'without a token no recordings list and no request');
    await dev.close();

    refuseNext = 'not_recording';
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#tech-recording-error').textContent !== '', null, { timeout: 5000 });
    expect(await page.textContent('#tech-recording-error') === 'Cuộc họp hiện không được ghi hình.', 'a refusal in the catalogue\'s words');

    const fetchesBefore = seen.listAuth.length;
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#recording-indicator').textContent === '', null, { timeout: 5000 });
    expect(await page.textContent('#tech-recording-error') === '', 'the next request clears the refusal');
    await page.waitForTimeout(300);
    expect(seen.listAuth.length > fetchesBefore, 'the list is fetched again after recording_stopped');
  } finally {
    await browser.close();
    server.close();
  }
}

main().then(() => process.exit(0), (e) => { process.stdout.write(`${e.message}\n`); process.exit(1); });
