package dev.mcu.app.testing;

import org.openqa.selenium.chrome.ChromeDriver;

/**
 * WHEP viewers and WHIP publishers in a Chromium page, made as a browser player makes them: an offer
 * with every ICE candidate gathered, POSTed to the endpoint, the answer applied. The peer connection
 * stays in the page as {@code window.pcs[name]} and the answer as {@code window.answers[name]}; a
 * viewer plays what it receives in a muted video element with the id {@code name + "-player"}.
 * Test thread only (WebDriver).
 */
public final class WebRtcInPage {
    /** Resolves with the resource URL from Location, or "error: ..." with the status and the server's words. */
    private static final String CONNECT = """
            const [endpoint, name, publish, h264First, done] = arguments;
            (async () => {
              const pc = new RTCPeerConnection();
              if (publish) {
                const media = await navigator.mediaDevices.getUserMedia({audio: true, video: {width: 320, height: 240}});
                media.getTracks().forEach(t => pc.addTransceiver(t, {direction: 'sendonly'}));
              } else {
                pc.addTransceiver('audio', {direction: 'recvonly'});
                const video = pc.addTransceiver('video', {direction: 'recvonly'});
                if (h264First) {
                  const codecs = RTCRtpReceiver.getCapabilities('video').codecs;
                  video.setCodecPreferences([...codecs.filter(c => c.mimeType === 'video/H264'),
                                             ...codecs.filter(c => c.mimeType !== 'video/H264')]);
                }
                const stream = new MediaStream();
                const player = document.createElement('video');
                player.id = name + '-player'; player.autoplay = true; player.muted = true; player.playsInline = true;
                player.srcObject = stream;
                document.body.appendChild(player);
                pc.ontrack = e => stream.addTrack(e.track);
              }
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise(r => { if (pc.iceGatheringState === 'complete') r();
                pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); });
              const res = await fetch(endpoint, {method: 'POST', headers: {'Content-Type': 'application/sdp'},
                                                 body: pc.localDescription.sdp});
              if (res.status !== 201) { done('error: ' + res.status + ' ' + await res.text()); return; }
              const answer = await res.text();
              await pc.setRemoteDescription({type: 'answer', sdp: answer});
              (window.pcs = window.pcs || {})[name] = pc;
              (window.answers = window.answers || {})[name] = answer;
              done(res.headers.get('Location'));
            })().catch(e => done('error: ' + e));
            """;

    private WebRtcInPage() {
    }

    /**
     * A WHEP viewer named {@code name}; {@code h264First} puts H.264 first in its offer (as the phones
     * get it), false keeps Chrome's own order (VP8 first). Returns the resource URL or "error: ...".
     */
    public static String whep(ChromeDriver browser, String endpoint, String name, boolean h264First) {
        return String.valueOf(browser.executeAsyncScript(CONNECT, endpoint, name, false, h264First));
    }

    /** A WHIP publisher of the page's (fake) camera and microphone at 320x240. */
    public static String whip(ChromeDriver browser, String endpoint, String name) {
        return String.valueOf(browser.executeAsyncScript(CONNECT, endpoint, name, true, false));
    }

    /** The SDP the server answered to the connection {@code name}. */
    public static String answer(ChromeDriver browser, String name) {
        return String.valueOf(browser.executeScript("return window.answers[arguments[0]];", name));
    }

    /** The SDP the page offered for the connection {@code name}. */
    public static String offer(ChromeDriver browser, String name) {
        return String.valueOf(browser.executeScript("return window.pcs[arguments[0]].localDescription.sdp;", name));
    }
}
