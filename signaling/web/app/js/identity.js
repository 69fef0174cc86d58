// Who the person is, as far as the page needs to know: from the token in the link (?token=...),
// whose payload is read for display only — the server verifies it — or, in the development
// configuration, from what the person chose.

export function base64UrlDecode(text) {
    const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
    const binary = atob(b64);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
}

// The claims of a JWT (header.payload.signature), or null if it is not one.
export function tokenClaims(token) {
    if (typeof token !== 'string') return null;
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    try {
        const claims = JSON.parse(base64UrlDecode(parts[1]));
        return claims && typeof claims === 'object' ? claims : null;
    } catch (e) {
        return null;
    }
}

// The page's settings from its address: token, meeting, language, hall mode (?mode=hall, or the
// older ?hall=1; a hall endpoint's page — role room — is in hall mode unless ?mode= says
// otherwise) and, in the development configuration, the join's unit, role and name (?unit=,
// ?role=, ?name=), with which a hall page joins by itself.
export function pageParams(search) {
    const q = new URLSearchParams(search);
    const token = q.get('token') || null;
    const claims = token ? tokenClaims(token) : null;
    const role = claims ? claims.role : q.get('role');
    const mode = q.get('mode');
    return {
        token,
        claims,
        meeting: q.get('meeting') || (claims && typeof claims.meeting === 'string' ? claims.meeting : ''),
        language: q.get('lang'),
        hall: mode === 'hall' || q.get('hall') === '1' || (mode === null && role === 'room'),
        unit: q.get('unit') || '',
        role: q.get('role') || '',
        name: q.get('name') || '',
    };
}

export const PUBLISHING_ROLES = new Set(['chair', 'delegate', 'room']);
