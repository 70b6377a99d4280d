"""What the phone's camera sees, as a YUV4MPEG2 file for Chromium's fake capture device
(--use-file-for-fake-video-capture): a printed label held up in a store room, a little tilted."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image

FRAME = (640, 480)
WALL = (168, 160, 150)  # a grey store-room wall behind the label


def write_y4m(frame: Image.Image, path: Path, frames: int = 3) -> None:
    """4:2:0 frames, the format Chromium's file capture reads; it loops them."""
    width, height = frame.size
    y, cb, cr = frame.convert("YCbCr").split()
    chroma = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(chroma).tobytes() + cr.resize(chroma).tobytes()
    with path.open("wb") as file:
        file.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            file.write(b"FRAME\n" + planes)


def blank_camera(path: Path) -> None:
    write_y4m(Image.new("RGB", FRAME, WALL), path)


def show_label(label_png: bytes, path: Path, tilt: float = 4.0) -> None:
    """The rendered label, scaled as a phone held 15 cm away would see it, tilted, on the wall."""
    label = Image.open(BytesIO(label_png)).convert("RGB")
    scale = min(FRAME[0] * 0.8 / label.width, FRAME[1] * 0.8 / label.height)
    label = label.resize((round(label.width * scale), round(label.height * scale)), Image.Resampling.BILINEAR)
    label = label.rotate(tilt, expand=True, fillcolor=WALL, resample=Image.Resampling.BILINEAR)
    frame = Image.new("RGB", FRAME, WALL)
    frame.paste(label, ((FRAME[0] - label.width) // 2, (FRAME[1] - label.height) // 2))
    write_y4m(frame, path)
