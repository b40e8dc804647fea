"""Generates assets/photo.jpg, the simulator's specimen photo: a 140x200 8-bit greyscale JPEG
(spec section 2.2), a drawn silhouette marked TEST. Run once with Pillow: python3 make_photo.py"""
import os
from PIL import Image, ImageDraw, ImageFilter
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "photo.jpg")
W, H = 140, 200
img = Image.new("L", (W, H), 225)
d = ImageDraw.Draw(img)
# shoulders / torso
d.ellipse((10, 150, 130, 260), fill=90)
# neck
d.rectangle((58, 118, 82, 160), fill=150)
# head
d.ellipse((38, 40, 102, 128), fill=165)
# hair
d.chord((36, 34, 104, 100), 180, 360, fill=60)
# eyes and mouth
d.ellipse((54, 78, 62, 84), fill=50)
d.ellipse((78, 78, 86, 84), fill=50)
d.line((60, 108, 80, 108), fill=100, width=2)
# "TEST" banner
d.rectangle((0, 0, W, 16), fill=255)
d.text((50, 3), "TEST", fill=0)
img = img.filter(ImageFilter.GaussianBlur(0.8))
for q in (80, 70, 60):
    img.save(OUT, "JPEG", quality=q, optimize=True)
    s = os.path.getsize(OUT)
    print(q, s)
    if s <= 3000: break
