// The camera scanner: the browser's BarcodeDetector where it has one (Chrome on Android), else the vendored
// barcode-detector ponyfill on ZXing-C++ WebAssembly, loaded from this server only when needed.
"use strict";
(function () {
  const { config, t, showProblem } = window.FT;
  const FRAME_MS = 150;
  let detectorPromise = null;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error("could not load " + src));
      document.head.append(script);
    });
  }

  async function nativeDetector() {
    if (!("BarcodeDetector" in window)) return null;
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      return formats.includes("qr_code") ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    } catch (error) {
      return null;
    }
  }

  async function vendoredDetector() {
    await loadScript(config.detector);
    const api = window.BarcodeDetectionAPI;
    // Never the library's default CDN: the wasm comes from this server, beside the script.
    api.prepareZXingModule({
      overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? config.reader_wasm : prefix + path) },
    });
    return new api.BarcodeDetector({ formats: ["qr_code"] });
  }

  function detector() {
    detectorPromise = detectorPromise || nativeDetector().then((found) => found || vendoredDetector());
    return detectorPromise;
  }

  const scanner = {
    stream: null,
    timer: null,
    onText: null,

    async open(onText) {
      this.onText = onText;
      const dialog = document.getElementById("scanner");
      const video = document.getElementById("scanner-video");
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        return this.unavailable();
      }
      dialog.hidden = false;
      document.getElementById("scanner-stop").focus();
      try {
        const [stream, found] = await Promise.all([
          navigator.mediaDevices.getUserMedia({
            video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
            audio: false,
          }),
          detector(),
        ]);
        this.stream = stream;
        video.srcObject = stream;
        await video.play();
        this.offerTorch(stream);
        this.watch(video, found);
      } catch (error) {
        this.close();
        this.unavailable(error);
      }
    },

    unavailable(error) {
      if (error) console.warn("camera:", error.name || error);
      showProblem(new window.FT.NetworkFailure(t("camera_unavailable")));
      const typed = document.getElementById("code");
      if (typed) typed.focus();
    },

    watch(video, found) {
      const canvas = document.createElement("canvas");
      const context = canvas.getContext("2d", { willReadFrequently: true });
      const look = async () => {
        if (!this.stream) return;
        if (video.readyState >= 2 && video.videoWidth) {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          context.drawImage(video, 0, 0);
          try {
            const codes = await found.detect(canvas);
            if (codes.length && this.stream) {
              const text = codes[0].rawValue;
              if (navigator.vibrate) navigator.vibrate(80);
              const onText = this.onText;
              this.close();
              onText(text);
              return;
            }
          } catch (error) {
            console.warn("detect:", error);
          }
        }
        this.timer = setTimeout(look, FRAME_MS);
      };
      look();
    },

    // A dark store room: offer the phone's torch where the camera has one.
    offerTorch(stream) {
      const track = stream.getVideoTracks()[0];
      const capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
      const button = document.getElementById("scanner-torch");
      if (!capabilities.torch) return;
      let on = false;
      button.hidden = false;
      button.onclick = () => {
        on = !on;
        track.applyConstraints({ advanced: [{ torch: on }] }).catch(() => (button.hidden = true));
        button.setAttribute("aria-pressed", String(on));
      };
    },

    close() {
      clearTimeout(this.timer);
      if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
      this.stream = null;
      document.getElementById("scanner-video").srcObject = null;
      document.getElementById("scanner").hidden = true;
      document.getElementById("scanner-torch").hidden = true;
    },
  };

  document.getElementById("scanner-stop").addEventListener("click", () => scanner.close());
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && scanner.stream) scanner.close();
  });
  window.FT.scanner = scanner;
})();
