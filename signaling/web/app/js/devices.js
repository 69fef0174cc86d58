// Camera and microphone before entering: the choice, a live preview and a level meter, and a
// clear message for each way it can fail (docs/web-client.md).

// The catalogue key for a getUserMedia failure (or for a page that cannot ask at all).
export function deviceErrorKey(error, secureContext) {
    if (!secureContext) return 'device.insecure';
    const name = error && error.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') return 'device.denied';
    if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'device.missing';
    return 'device.failed';
}

export async function openDevices(cameraId, microphoneId) {
    const constraints = {
        audio: microphoneId === 'none' ? false : {deviceId: microphoneId || undefined, echoCancellation: true},
        video: cameraId === 'none' ? false : {deviceId: cameraId || undefined, width: 1280, height: 720, frameRate: 25},
    };
    if (!constraints.audio && !constraints.video) return new MediaStream();
    return navigator.mediaDevices.getUserMedia(constraints);
}

export async function listDevices() {
    const all = await navigator.mediaDevices.enumerateDevices();
    return {
        cameras: all.filter((d) => d.kind === 'videoinput'),
        microphones: all.filter((d) => d.kind === 'audioinput'),
    };
}

// Calls onLevel(0..1) about ten times a second from the stream's first audio track; returns a
// function that stops it.
export function levelMeter(stream, onLevel) {
    const track = stream.getAudioTracks()[0];
    if (!track || typeof AudioContext === 'undefined') return () => {};
    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += s * s;
        onLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
    }, 100);
    return () => {
        clearInterval(timer);
        context.close();
    };
}
