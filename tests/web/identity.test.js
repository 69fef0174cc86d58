import {test} from 'node:test';
import assert from 'node:assert/strict';
import {tokenClaims, pageParams} from '../../signaling/web/app/js/identity.js';

const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

test('the token payload is read for display, Vietnamese included', () => {
    const token = `${b64url({alg: 'ES256'})}.${b64url({sub: 'chu-tich', unit: 'thanh-son', role: 'chair', name: 'Chủ tịch tỉnh', meeting: 'giao-ban'})}.sig`;
    assert.equal(tokenClaims(token).name, 'Chủ tịch tỉnh');
    const p = pageParams(`?token=${token}&hall=1`);
    assert.equal(p.meeting, 'giao-ban');
    assert.equal(p.hall, true);
    assert.equal(p.claims.role, 'chair');
});

test('anything that is not a token has no claims', () => {
    assert.equal(tokenClaims('abc'), null);
    assert.equal(tokenClaims('a.!!!.c'), null);
    assert.equal(tokenClaims(`x.${Buffer.from('"str"').toString('base64url')}.y`), null);
    assert.equal(pageParams('?meeting=demo').token, null);
});

test('hall mode: asked for, or by default for a hall endpoint (role room)', () => {
    assert.equal(pageParams('?meeting=m&mode=hall').hall, true);
    assert.equal(pageParams('?meeting=m&role=room&unit=u').hall, true);
    assert.equal(pageParams('?meeting=m&role=room&mode=normal').hall, false);
    assert.equal(pageParams('?meeting=m&role=delegate').hall, false);
    const token = `${b64url({alg: 'ES256'})}.${b64url({sub: 'hall', unit: 'thanh-son', role: 'room'})}.sig`;
    assert.equal(pageParams(`?token=${token}`).hall, true);
    const p = pageParams('?meeting=m&mode=hall&unit=thanh-son&role=room&name=Hội%20trường');
    assert.deepEqual([p.unit, p.role, p.name], ['thanh-son', 'room', 'Hội trường']);
});
