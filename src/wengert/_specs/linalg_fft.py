"""Op specs for products (einsum, kron, cross, and dot & co. in every dimension
combination) and the FFT module (see ``_table.py`` for the spec format)."""
import numpy as np

import wengert.numpy as wnp
import wengert.numpy.fft as wfft
from ._table import POS, spec

C128 = np.complex128

# -- einsum -------------------------------------------------------------------------------
EINSUM = [wnp.einsum, "numpy.einsum"]


def einsum(subscripts, *shapes, order=2, dtype=np.float64, **kwargs):
    """A spec of ``einsum(subscripts, *operands, **kwargs)``."""
    kw = "".join(f",{k}={v}" for k, v in kwargs.items())
    return spec(lambda *ops: wnp.einsum(subscripts, *ops, **kwargs), *shapes, order=order,
                dtype=dtype, name=f"einsum({subscripts!r}{kw})", covers=EINSUM)


EINSUMS = [
    einsum("ij,jk", (2, 3), (3, 2), order=3),                   # implicit output
    einsum("ij,jk->ik", (2, 3), (3, 4)),
    einsum("ij,jk->ki", (2, 3), (3, 2), dtype=np.float32),
    einsum("ba", (2, 3)),                                       # implicit: a transpose
    einsum("ij->", (2, 3)),
    einsum("ij->j", (3, 2)),
    einsum("i,j", (2,), (3,), order=3),                         # outer
    einsum("ij,ij->", (2, 3), (2, 3), order=3),
    # repeated letters within an operand: the cotangent lives on a diagonal
    einsum("ii->i", (3, 3), order=3),
    einsum("ii", (3, 3)),                                       # trace
    einsum("iij->j", (2, 2, 3)),
    einsum("iii->i", (2, 2, 2)),
    einsum("ii,ij->j", (2, 2), (2, 3), order=3),
    # a letter summed out of one operand only: its cotangent is constant along it
    einsum("ij,i->i", (2, 3), (2,)),
    einsum("ijk,k->", (2, 2, 3), (3,)),
    # ellipses, with broadcasting between them and of length-1 axes
    einsum("...ij,...jk->...ik", (2, 1, 2, 3), (3, 3, 2), order=3),
    einsum("...,...", (3,), (2, 1)),
    einsum("i...->...", (2, 3)),
    einsum("ij,j", (2, 3), (1,)),
    einsum("ij,i->j", (1, 3), (2,)),
    # any number of operands, and optimize=
    einsum("ijk,kl,lm->im", (2, 2, 3), (3, 2), (2, 2)),
    einsum("ij,jk,kl->il", (2, 3), (3, 3), (3, 2), optimize=True),
    einsum("ij,jk,k->i", (2, 3), (3, 2), (2,), optimize="greedy", order=3),
    einsum("bij,bjk", (2, 2, 3), (2, 3, 2), dtype=C128, order=3),
    einsum("ii->i", (2, 2), dtype=C128),
    einsum("ij,jk", (2, 3), (3, 2), dtype=(np.float64, C128)),  # a real operand, complex product
    spec(lambda a, b: wnp.einsum(a, [0, 1], b, [1, 2], [2, 0]), (2, 3), (3, 2),
         name="einsum(sublists)", covers=EINSUM),
    spec(lambda a, b: np.einsum("ij,j->i", a, b) + np.einsum("ii", a[:, :2]), (2, 3), (3,),
         name="np.einsum", covers=EINSUM),
]

# -- kron, cross ----------------------------------------------------------------------------
KRON = [wnp.kron, wnp.multiply, wnp.reshape]
CROSS = [wnp.cross, wnp.multiply, "wengert.numpy.getitem"]

KRONS = [
    spec(wnp.kron, (2,), (3,), covers=KRON, order=3),
    spec(wnp.kron, (2, 2), (2, 3), covers=KRON),
    spec(wnp.kron, (), (2, 2), covers=KRON),
    spec(wnp.kron, (2, 1, 2), (2, 2), covers=KRON),
    spec(wnp.kron, (2,), (2, 2), dtype=C128, covers=KRON),
    spec(lambda a, b: np.kron(a, b), (2,), (2,), name="np.kron", covers=KRON),
]


def cross(sa, sb, order=2, dtype=np.float64, **kwargs):
    kw = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return spec(lambda a, b: wnp.cross(a, b, **kwargs), sa, sb, order=order, dtype=dtype,
                name=f"cross({kw})", covers=CROSS)


CROSSES = [
    cross((3,), (3,), order=3),
    cross((2, 3), (3,)),
    cross((2,), (3,)),                 # a 2-vector has a zero z component
    cross((3,), (2,)),
    cross((2,), (2,)),                 # two 2-vectors: the z component alone
    cross((3, 2), (3, 2), axis=0),
    cross((3, 2), (2, 3), axisa=0, axisc=0),
    cross((2, 4, 3), (3,), axisc=1),
    cross((3, 2), (2, 2), axisa=0),
    cross((2, 3), (3,), dtype=C128),
    spec(lambda a, b: np.cross(a, b), (3,), (3,), name="np.cross", covers=CROSS),
]

# -- dot & co. in every dimension combination (0-d to 3-d) -----------------------------
# shapes by number of dimensions; a's last axis (3) meets b's contracted axis
A_SHAPES = {0: (), 1: (3,), 2: (2, 3), 3: (2, 2, 3)}
B_DOT = {0: (), 1: (3,), 2: (3, 2), 3: (2, 3, 2)}        # dot contracts b's second-to-last
B_INNER = {0: (), 1: (3,), 2: (2, 3), 3: (2, 1, 3)}     # inner contracts b's last
B_FIRST = {1: (3,), 2: (3, 2), 3: (3, 1, 2)}            # tensordot(a, b, 1) b's first
DIMS = [(i, j) for i in range(4) for j in range(4)]

PRODUCTS_ND = (
    [spec(wnp.dot, A_SHAPES[i], B_DOT[j], name=f"dot{i}d{j}d", covers=[wnp.dot], order=3)
     for i, j in DIMS]
    + [spec(wnp.inner, A_SHAPES[i], B_INNER[j], name=f"inner{i}d{j}d",
            covers=[wnp.inner, wnp.tensordot if i and j else wnp.multiply], order=3)
       for i, j in DIMS]
    + [spec(wnp.outer, A_SHAPES[i], B_INNER[j], name=f"outer{i}d{j}d",
            covers=[wnp.outer, wnp.multiply, wnp.reshape], order=3)
       for i, j in DIMS if i + j in (0, 3, 5)]
    + [spec(lambda a, b: wnp.tensordot(a, b, 0), A_SHAPES[i], B_INNER[j], order=3,
            name=f"tensordot0:{i}d{j}d", covers=[wnp.tensordot]) for i, j in DIMS if i + j <= 3]
    + [spec(lambda a, b: wnp.tensordot(a, b, 1), A_SHAPES[i], B_FIRST[j], order=3,
            name=f"tensordot1:{i}d{j}d", covers=[wnp.tensordot])
       for i, j in DIMS if i and j and (i, j) != (3, 3)]
    + [spec(wnp.vdot, A_SHAPES[i], B_DOT[j], name=f"vdot{i}d{j}d",
            covers=[wnp.vdot, wnp.conjugate, wnp.sum], order=3)
       for i, j in [(1, 1), (2, 2), (3, 3), (2, 1)] if np.prod(A_SHAPES[i]) == np.prod(B_DOT[j])]
    + [spec(wnp.vdot, (2, 3), (6,), dtype=C128, name="vdot2d1d",
            covers=[wnp.vdot, wnp.conjugate, wnp.sum])]
    # matmul: 1-d to 3-d, batch axes broadcast
    + [spec(wnp.matmul, sa, sb, name=f"matmul{len(sa)}d{len(sb)}d", covers=[wnp.matmul], order=3)
       for sa, sb in [((3,), (3,)), ((3,), (3, 2)), ((3,), (2, 3, 2)), ((2, 3), (3,)),
                      ((2, 3), (3, 2)), ((2, 3), (2, 3, 2)), ((2, 2, 3), (3,)),
                      ((2, 2, 3), (3, 2)), ((2, 2, 3), (2, 3, 2)), ((1, 2, 3), (2, 3, 2)),
                      ((2, 2, 3), (1, 3, 2))]]
    + [spec(wnp.matmul, (2, 1, 2, 3), (2, 3, 1), name="matmul(broadcast)", covers=[wnp.matmul],
            dtype=C128)]
)

# -- FFT ----------------------------------------------------------------------------------
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

SPECS = EINSUMS + KRONS + CROSSES + PRODUCTS_ND + FFTS
