"""Op specs of the FFT module (see ``_table.py`` for the spec format): the complex,
real and Hermitian transforms on real and complex inputs, with each normalisation,
along an axis, and with cropped and padded lengths."""
import numpy as np

import wengert.numpy as wnp
import wengert.numpy.fft as wfft
from ._table import POS, spec

C128 = np.complex128

NORMS = (None, "ortho", "forward")


def fft_spec(f, shape, dtype=np.float64, covers=(), order=2, **kwargs):
    kw = ",".join(f"{k}={v}" for k, v in kwargs.items()).replace(" ", "")
    return spec(lambda x: f(x, **kwargs), shape, dtype=dtype, order=order,
                name=f"fft.{f.__name__}({kw})", covers=[f, *covers])


FFT, IFFT, RFFT, IRFFT = wfft.fft, wfft.ifft, wfft.rfft, wfft.irfft

FFTS = (
    # complex transforms: complex and real inputs, n cropping (3) and padding (7)
    [fft_spec(FFT, (2, 5), dtype=C128, n=n, norm=norm) for n in (None, 3, 7)
     for norm in NORMS]
    + [fft_spec(FFT, (4, 2), axis=0, order=3), fft_spec(FFT, (4,), n=6, norm="ortho"),
       fft_spec(IFFT, (3, 2), dtype=C128, axis=0, n=4, norm="forward"),
       fft_spec(IFFT, (5,), dtype=C128, n=3), fft_spec(IFFT, (2, 4), norm="ortho")]
    # rfft of even and odd lengths (the Nyquist frequency is or is not there)
    + [fft_spec(RFFT, shape, n=n, norm=norm) for shape, n, norm in [
        ((2, 6), None, None), ((5,), None, "ortho"), ((2, 5), 4, "forward"),
        ((6,), 9, None), ((7,), 8, "ortho"), ((3,), None, None)]]
    + [fft_spec(RFFT, (4, 2), axis=0, order=3)]
    # irfft: the imaginary parts of frequency 0 (and n/2) are ignored
    + [fft_spec(IRFFT, shape, dtype=C128, n=n, norm=norm) for shape, n, norm in [
        ((2, 4), None, None), ((4,), 7, "ortho"), ((4,), 4, "forward"), ((3,), 9, None),
        ((5,), 5, None), ((2,), None, "ortho")]]
    + [fft_spec(IRFFT, (3, 2), dtype=C128, axis=0), fft_spec(IRFFT, (4,), n=6)]
    # Hermitian transforms
    + [fft_spec(wfft.hfft, (4,), dtype=C128, covers=[IRFFT, wnp.conjugate]),
       fft_spec(wfft.hfft, (2, 3), dtype=C128, n=5, norm="ortho", covers=[IRFFT]),
       fft_spec(wfft.ihfft, (6,), covers=[RFFT, wnp.conjugate]),
       fft_spec(wfft.ihfft, (5, 2), axis=0, n=4, norm="forward", covers=[RFFT])]
    # multi-axis transforms: 1-D ones, axis by axis
    + [fft_spec(f, (2, 3, 4), dtype=dt, covers=covers, **kw)
       for f, dt, covers in [(wfft.fftn, C128, [FFT]), (wfft.ifftn, C128, [IFFT]),
                             (wfft.rfftn, np.float64, [RFFT, FFT]),
                             (wfft.irfftn, C128, [IFFT, IRFFT])]
       for kw in [{}, {"s": (3, 5), "axes": (2, 0), "norm": "ortho"}, {"axes": (0, 2)}]]
    + [fft_spec(wfft.irfftn, (2, 3), dtype=C128, s=(3, 4), covers=[IFFT, IRFFT]),
       fft_spec(wfft.fftn, (3, 2), dtype=C128, s=(-1, 3), axes=(0, 1), covers=[FFT])]
    + [fft_spec(f, (2, 3, 4), dtype=dt, covers=covers, **kw)
       for f, dt, covers, kw in [
           (wfft.fft2, C128, [wfft.fftn, FFT], {}),
           (wfft.ifft2, C128, [wfft.ifftn, IFFT], {"s": (2, 5), "norm": "forward"}),
           (wfft.rfft2, np.float64, [wfft.rfftn, RFFT, FFT], {"axes": (0, 2)}),
           (wfft.irfft2, C128, [wfft.irfftn, IRFFT], {"s": (4, 5)})]]
    # shifts (permutations) and frequencies (constants, scaled by a traced spacing)
    + [fft_spec(f, shape, dtype=dt, **kw) for f in (wfft.fftshift, wfft.ifftshift)
       for shape, dt, kw in [((5,), np.float64, {}), ((3, 4), C128, {"axes": 0}),
                             ((2, 3, 3), np.float64, {"axes": (0, 2)})]]
    + [spec(lambda d: wfft.fftfreq(5, d) * wfft.rfftfreq(8, d)[:5], (), domain=POS,
            name="fft.fftfreq*rfftfreq(d)", covers=[wfft.fftfreq, wfft.rfftfreq, wnp.divide])]
    # round trips and real-valued results (float32 in, float32 derivatives out)
    + [spec(lambda x: IRFFT(RFFT(x) * np.exp(-np.arange(4.0)), 6), (2, 6),
            name="irfft(rfft(x)*filter)", covers=[RFFT, IRFFT]),
       spec(lambda x: wnp.real(IFFT(FFT(x, 4) * (1 + 2j))), (3,), dtype=np.float32,
            name="real(ifft(fft(x)))", covers=[FFT, IFFT]),
       spec(lambda x: wnp.abs(RFFT(x)) ** 2, (5,), dtype=np.float32, name="abs(rfft)**2",
            covers=[RFFT, wnp.absolute]),
       spec(lambda x: wfft.fftshift(wfft.fftfreq(4)) * IRFFT(x, 4), (3,), dtype=C128,
            name="fftshift(fftfreq)*irfft", covers=[IRFFT])]
    # float64 specs with real results: test_ops also runs them in float32, whose
    # derivatives must stay float32 (NumPy >= 2 transforms float32 as complex64)
    + [spec(lambda x: wnp.real(FFT(x, 5)) * 2.0, (2, 4), name="real(fft(x,5))",
            covers=[FFT, wnp.real]),
       spec(lambda x: IRFFT(RFFT(x, 6) * (1 - 0.5j), 5, norm="ortho"), (2, 4),
            name="irfft(rfft(x)*c)", covers=[RFFT, IRFFT]),
       spec(lambda x: wfft.hfft(wfft.ihfft(x) * 2.0, 6) + wfft.irfftn(wfft.rfftn(x, axes=[0]), [3], [0]),
            (3, 6), name="hfft(ihfft)+irfftn(rfftn)",
            covers=[wfft.hfft, wfft.ihfft, wfft.irfftn, wfft.rfftn, RFFT, IRFFT])]
    # plain NumPy calls on traced values are routed here
    + [spec(lambda x: np.fft.irfft(np.fft.fft(x)[:3] + np.fft.rfftn(x)) + np.fft.fftshift(x),
            (4,), name="np.fft", covers=[FFT, IRFFT, RFFT, wfft.rfftn, wfft.fftshift])]
)
