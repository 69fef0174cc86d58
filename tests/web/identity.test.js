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
