"""Op specs of the decompositions of numpy.linalg (see ``_table.py`` for the spec format).

Inputs are kept away from the points where a decomposition is not differentiable:
well-conditioned matrices, symmetric positive-definite ones for Cholesky, and
well-separated eigenvalues or singular values (at a repeated one, eigenvectors and
singular vectors are not even unique).  Eigenvectors and singular vectors are
defined only up to sign (phase, for complex ones), so specs check functions that
do not depend on that choice (``v @ diag(f(w)) @ v.T``, ``v * conj(v)``, QR factors
with the signs of ``r``'s diagonal divided out).
"""
import numpy as np

import wengert.numpy as wnp
import wengert.numpy.linalg as wla
from ._table import ANY, NONZERO, spec, well_conditioned

WELL = well_conditioned


def _orthogonal(rng, shape):
    """A stack of random orthogonal matrices of ``shape`` (..., n, n)."""
    q, r = np.linalg.qr(rng.standard_normal(shape))
    return q * np.sign(np.diagonal(r, 0, -2, -1))[..., None, :]


def spd(rng, shape):
    """B B^T + n I: symmetric positive definite, condition number of a few units."""
    b = rng.uniform(-1.0, 1.0, shape)
    return b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])


def separated_symmetric(rng, shape):
    """Q diag(1, 2, ..., n) Q^T (eigenvalues 1 apart, jittered by 0.2), plus junk in the
    strictly upper triangle, which eigh(UPLO='L') must ignore."""
    n = shape[-1]
    q = _orthogonal(rng, shape)
    w = np.arange(1.0, n + 1) + rng.uniform(-0.2, 0.2, shape[:-1])
    junk = rng.uniform(-0.5, 0.5, shape) * np.tri(n, n, -1).T
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2) + junk


def _upper_reader(rng, shape):
    """Like ``separated_symmetric``, with the junk in the lower triangle (for UPLO='U')."""
    return np.swapaxes(separated_symmetric(rng, shape), -1, -2)


def separated_eigenvalues(rng, shape):
    """diag(1, 2, ..., n) plus uniform noise of 0.15: distinct real eigenvalues
    (distinct complex ones when the imaginary part is drawn the same way)."""
    n = shape[-1]
    return np.diag(np.arange(1.0, n + 1)) + rng.uniform(-0.15, 0.15, shape)


def complex_pair(rng, shape):
    """A real 3x3 matrix with eigenvalues near +-2i and 3: a complex-conjugate pair."""
    base = np.array([[0.0, -2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    return base + rng.uniform(-0.2, 0.2, shape)


def separated_singular_values(rng, shape):
    """U diag(k, ..., 2, 1) V^T (+ noise of 0.05) with k = min(m, n): well separated,
    nonzero singular values, so full rank and well conditioned too."""
    m, n = shape[-2:]
    k = min(m, n)
    u = _orthogonal(rng, shape[:-2] + (m, m))[..., :k]
    v = _orthogonal(rng, shape[:-2] + (n, n))[..., :k]
    s = np.arange(k, 0, -1.0)
    return (u * s) @ np.swapaxes(v, -1, -2) + rng.uniform(-0.05, 0.05, shape)


def fixed_basis_singular_values(rng, shape):
    """U diag(k, ..., 2, 1) V^T + noise of 0.05 with U and V fixed for ``shape``.  A
    complex spec draws its real and imaginary parts separately: with the same U and V
    the sum is U diag((1 + i) s) V^T plus complex noise, whose singular values stay
    well separated and nonzero (with independent U, V they need not)."""
    m, n = shape[-2:]
    k = min(m, n)
    fixed = np.random.default_rng(sum(shape) + 7 * len(shape))
    u = _orthogonal(fixed, shape[:-2] + (m, m))[..., :k]
    v = _orthogonal(fixed, shape[:-2] + (n, n))[..., :k]
    s = np.arange(k, 0, -1.0)
    return (u * s) @ np.swapaxes(v, -1, -2) + rng.uniform(-0.05, 0.05, shape)


def indefinite_symmetric(rng, shape):
    """Q diag(-3, 1, 2) Q^T (jittered by 0.1; n = 3) plus junk in the strictly upper
    triangle: eigenvalues of both signs whose absolute values (the singular values) are
    distinct and nonzero."""
    q = _orthogonal(rng, shape)
    w = np.array([-3.0, 1.0, 2.0]) + rng.uniform(-0.1, 0.1, shape[:-1])
    junk = rng.uniform(-0.5, 0.5, shape) * np.tri(3, 3, -1).T
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2) + junk


def well_square_tensor(rng, shape):
    """A well-conditioned n x n matrix reshaped to ``shape`` (n * n entries)."""
    n = int(round(np.sqrt(np.prod(shape))))
    return well_conditioned(rng, (n, n)).reshape(shape)


def _neg_det(rng, shape):
    return well_conditioned(rng, shape) * np.array([-1.0, 1.0, 1.0])[:, None]


SLOGDET = [wla.slogdet, "numpy.linalg.slogdet"]
PINV = [wla.pinv]
LSTSQ = [wla.lstsq, wla.pinv]
CHOLESKY = [wla.cholesky, "numpy.linalg.cholesky"]
QR = [wla.qr, "numpy.linalg.qr"]
EIGH = [wla.eigh, "numpy.linalg.eigh"]
EIG = [wla.eig, "numpy.linalg.eig"]
SVD = [wla.svd, "numpy.linalg.svd"]


def _slogdet_value(a):
    sign, logabsdet = wla.slogdet(a)
    return sign * wnp.exp(logabsdet)


SLOGDETS = [
    spec(lambda a: wla.slogdet(a)[1], (3, 3), domain=WELL, name="slogdet[1]", covers=SLOGDET),
    spec(lambda a: wla.slogdet(a)[1], (2, 3, 3), domain=WELL, name="slogdet[1]",
         covers=SLOGDET),
    spec(_slogdet_value, (3, 3), domain=_neg_det, name="sign*exp(logabsdet)", covers=SLOGDET),
    spec(lambda a: wla.slogdet(a)[1], (3, 3), domain=WELL, name="slogdet[1]",
         dtype=np.float32, covers=SLOGDET),
    # complex: the sign moves with the phase of the determinant
    spec(_slogdet_value, (2, 3, 3), domain=WELL, name="sign*exp(logabsdet)",
         dtype=np.complex128, covers=SLOGDET),
    spec(lambda a: wla.slogdet(a)[0], (3, 3), domain=WELL, name="slogdet[0]",
         dtype=np.complex128, covers=SLOGDET),
    spec(lambda a: wla.slogdet(a)[1], (2, 2), domain=WELL, name="slogdet[1]",
         dtype=np.complex128, covers=SLOGDET),
]

# full rank: the pseudo-inverse is differentiable (its rank does not jump)
SV = separated_singular_values
FB = fixed_basis_singular_values     # for complex specs (see its docstring)
PINVS = [
    spec(wla.pinv, (4, 3), domain=SV, covers=PINV),
    spec(wla.pinv, (3, 4), domain=SV, covers=PINV),
    spec(wla.pinv, (2, 3, 3), domain=SV, covers=PINV),
    spec(wla.pinv, (2, 2, 3), domain=SV, covers=PINV, dtype=np.float32),
    spec(lambda a: wla.pinv(a, 1e-10), (4, 2), domain=SV, name="pinv(rcond=1e-10)",
         covers=PINV),
    spec(wla.pinv, (4, 3), domain=FB, covers=PINV, dtype=np.complex128),
    spec(wla.pinv, (2, 2, 3), domain=FB, covers=PINV, dtype=np.complex128),
    # hermitian=True reads the lower triangle only (the samples have junk in the upper one)
    spec(lambda a: wla.pinv(a, hermitian=True), (3, 3), domain=indefinite_symmetric,
         name="pinv(hermitian)", covers=PINV),
    spec(lambda a: wla.pinv(a, 1e-10, True), (2, 3, 3), domain=indefinite_symmetric,
         name="pinv(rcond,hermitian)", covers=PINV),
    # Hermitian: a small imaginary part keeps the eigenvalues away from 0
    spec(lambda a: wla.pinv(wnp.real(a) + 0.1j * wnp.imag(a), hermitian=True), (3, 3),
         domain=indefinite_symmetric, dtype=np.complex128, name="pinv(re+.1j*im,hermitian)",
         covers=PINV),
]

LSTSQS = [
    spec(lambda a, b: wla.lstsq(a, b)[0], (4, 3), (4,), domain=[SV, ANY], name="lstsq[0]",
         covers=LSTSQ),
    spec(lambda a, b: wla.lstsq(a, b)[0], (3, 4), (3, 2), domain=[SV, ANY], name="lstsq[0]",
         covers=LSTSQ),
    spec(lambda a, b: wla.lstsq(a, b, rcond=None)[1], (4, 2), (4,), domain=[SV, ANY],
         name="lstsq[1]", covers=LSTSQ),
    spec(lambda a, b: wla.lstsq(a, b)[1], (4, 3), (4, 2), domain=[SV, ANY], name="lstsq[1]",
         covers=LSTSQ),
    spec(lambda a, b: wla.lstsq(a, b)[3] * wla.lstsq(a, b)[0][0], (3, 3), (3,),
         domain=[SV, ANY], name="lstsq[3]*lstsq[0]", covers=LSTSQ + [wla.svd]),
    spec(lambda a, b: wla.lstsq(a, b)[0], (4, 3), (4,), domain=[FB, ANY], name="lstsq[0]",
         dtype=np.complex128, covers=LSTSQ),
    spec(lambda a, b: wla.lstsq(a, b)[1], (4, 2), (4, 2), domain=[FB, ANY], name="lstsq[1]",
         dtype=np.complex128, covers=LSTSQ),
    spec(lambda a, b: wla.lstsq(a, b)[3] * wla.lstsq(a, b)[0][0], (2, 3), (2,),
         domain=[FB, ANY], name="lstsq[3]*lstsq[0]", dtype=np.complex128,
         covers=LSTSQ + [wla.svd]),
]

CHOLESKYS = [
    spec(wla.cholesky, (3, 3), domain=spd, covers=CHOLESKY),
    spec(wla.cholesky, (2, 3, 3), domain=spd, covers=CHOLESKY),
    spec(wla.cholesky, (3, 3), domain=spd, covers=CHOLESKY, dtype=np.float32),
    spec(lambda a: wla.cholesky(a, upper=True), (3, 3), domain=spd, name="cholesky(upper)",
         covers=CHOLESKY),
    # Hermitian positive definite: a small imaginary part keeps it definite
    spec(lambda a: wla.cholesky(wnp.real(a) + 0.2j * wnp.imag(a)), (2, 3, 3), domain=spd,
         dtype=np.complex128, name="cholesky(re+.2j*im)", covers=CHOLESKY),
]


def _qr_signless(a, mode="reduced"):
    """q and r flattened and joined, with the signs of r's diagonal (LAPACK's choice) divided out."""
    q, r = wla.qr(a, mode)
    signs = np.diagonal(wnp.sign(r), 0, -2, -1)    # sign is not differentiable: a constant
    return wnp.concatenate([wnp.ravel(q * signs[..., None, :]),
                            wnp.ravel(r * signs[..., :, None])])


QRS = [
    spec(_qr_signless, (4, 3), domain=SV, name="qr", covers=QR),
    spec(_qr_signless, (3, 3), domain=WELL, name="qr", covers=QR),
    spec(_qr_signless, (2, 4, 3), domain=SV, name="qr", covers=QR),
    spec(_qr_signless, (4, 2), domain=SV, name="qr", covers=QR, dtype=np.float32),
    spec(lambda a: _qr_signless(a, "complete"), (3, 3), domain=WELL, name="qr(complete)",
         covers=QR),
    spec(lambda a: wla.qr(a, "r") ** 2, (4, 3), domain=SV, name="qr(r)**2", covers=QR),
    # wide: q from the leading square block, the rest of r is q^T times the other columns
    spec(_qr_signless, (3, 5), domain=SV, name="qr", covers=QR + [wnp.concatenate]),
    spec(lambda a: _qr_signless(a, "complete"), (2, 2, 3), domain=SV, name="qr(complete)",
         covers=QR),
    spec(lambda a: wla.qr(a, "r") ** 2, (2, 4), domain=SV, name="qr(r)**2", covers=QR),
    # complex: r's diagonal is real (LAPACK's choice, kept by the rules), so with its
    # signs divided out q and r are unique and checked whole, not only gauge-free parts
    spec(_qr_signless, (4, 3), domain=FB, name="qr", covers=QR, dtype=np.complex128),
    spec(_qr_signless, (2, 3, 3), domain=FB, name="qr", covers=QR, dtype=np.complex128),
    spec(_qr_signless, (4, 2), domain=FB, name="qr", covers=QR, dtype=np.complex64),
    spec(_qr_signless, (3, 5), domain=FB, name="qr", covers=QR + [wnp.concatenate],
         dtype=np.complex128),
    spec(lambda a: _qr_signless(a, "complete"), (3, 3), domain=FB, name="qr(complete)",
         covers=QR, dtype=np.complex128),
    spec(lambda a: wla.qr(a, "r") ** 2, (2, 4), domain=FB, name="qr(r)**2", covers=QR,
         dtype=np.complex128),
    # complete q of a tall matrix: NumPy's (LAPACK's Householder) extra columns, whole
    spec(lambda a: _qr_whole(a, "complete"), (4, 2), domain=SV, name="qr(complete,tall)",
         covers=[wla.qr]),
    spec(lambda a: _qr_whole(a, "complete"), (2, 4, 3), domain=SV, name="qr(complete,tall)",
         covers=[wla.qr]),
    spec(lambda a: _qr_whole(a, "complete"), (3, 2), domain=FB, name="qr(complete,tall)",
         covers=[wla.qr], dtype=np.complex128),
]


def _qr_whole(a, mode):
    q, r = wla.qr(a, mode)
    return wnp.concatenate([wnp.ravel(q), wnp.ravel(r)])


def _eigh_expm(a, UPLO="L"):
    w, v = wla.eigh(a, UPLO)
    return (v * wnp.exp(w)[..., None, :]) @ wnp.conj(wnp.swapaxes(v, -1, -2))


def _eigh_squares(a):
    w, v = wla.eigh(a)
    return wnp.real(v * wnp.conj(v)) * w[..., None, :]


EIGHS = [
    spec(_eigh_expm, (3, 3), domain=separated_symmetric, name="eigh:v@exp(w)@v.T",
         covers=EIGH),
    spec(_eigh_expm, (2, 3, 3), domain=separated_symmetric, name="eigh:v@exp(w)@v.T",
         covers=EIGH),
    spec(lambda a: _eigh_expm(a, "U"), (3, 3), domain=_upper_reader,
         name="eigh(U):v@exp(w)@v.T", covers=EIGH),
    spec(_eigh_squares, (3, 3), domain=separated_symmetric, name="eigh:v**2*w", covers=EIGH),
    spec(_eigh_squares, (3, 3), domain=separated_symmetric, name="eigh:v**2*w",
         dtype=np.float32, covers=EIGH),
    spec(wla.eigvalsh, (3, 3), domain=separated_symmetric, covers=[wla.eigvalsh] + EIGH),
    spec(lambda a: wla.eigvalsh(a, "U"), (2, 3, 3), domain=_upper_reader,
         name="eigvalsh(U)", covers=[wla.eigvalsh] + EIGH),
    # Hermitian: a small imaginary part keeps the eigenvalues apart
    spec(lambda a: _eigh_expm(wnp.real(a) + 0.2j * wnp.imag(a)), (3, 3),
         domain=separated_symmetric, dtype=np.complex128, name="eigh(re+.2j*im):v@exp(w)@v.H",
         covers=EIGH),
    spec(lambda a: _eigh_squares(wnp.real(a) + 0.2j * wnp.imag(a)), (3, 3),
         domain=separated_symmetric, dtype=np.complex128, name="eigh(re+.2j*im):|v|**2*w",
         covers=EIGH),
]


def _eig_expm(a):
    w, v = wla.eig(a)
    return (v * wnp.exp(w)[..., None, :]) @ wla.inv(v)


def _eig_squares(a):
    w, v = wla.eig(a)
    return v * wnp.conj(v) * w[..., None, :]


EIGS = [
    spec(_eig_expm, (3, 3), domain=separated_eigenvalues, name="eig:v@exp(w)@inv(v)",
         covers=EIG + [wla.inv]),
    spec(_eig_expm, (3, 3), domain=complex_pair, name="eig(complex pair):v@exp(w)@inv(v)",
         covers=EIG + [wla.inv]),
    spec(_eig_expm, (2, 3, 3), domain=separated_eigenvalues, dtype=np.complex128,
         name="eig:v@exp(w)@inv(v)", covers=EIG + [wla.inv]),
    # |v| = 1 (NumPy's normalization) is part of what these check
    spec(_eig_squares, (3, 3), domain=separated_eigenvalues, name="eig:|v|**2*w", covers=EIG),
    spec(_eig_squares, (2, 3, 3), domain=complex_pair, name="eig(complex pair):|v|**2*w",
         covers=EIG),
    spec(_eig_squares, (3, 3), domain=separated_eigenvalues, dtype=np.complex128,
         name="eig:|v|**2*w", covers=EIG),
    spec(_eig_squares, (3, 3), domain=separated_eigenvalues, dtype=np.float32,
         name="eig:|v|**2*w", covers=EIG),
    spec(wla.eigvals, (3, 3), domain=complex_pair, covers=[wla.eigvals] + EIG),
    spec(wla.eigvals, (2, 2), domain=separated_eigenvalues, dtype=np.complex128,
         covers=[wla.eigvals] + EIG),
]


def _svd_expm(a, full_matrices=False):
    u, s, vh = wla.svd(a, full_matrices=full_matrices)
    return (u * wnp.exp(s)[..., None, :]) @ vh + (u ** 2) @ (vh ** 2)


def _svd_phase_free(a, full_matrices=False, hermitian=False):
    """u diag(s) vh, and u and vh with a common phase (sign) of matching columns and rows
    divided out: u * conj(u0) / |u0| and vh * u0 / |u0| for the first row u0 of u."""
    u, s, vh = wla.svd(a, full_matrices=full_matrices, hermitian=hermitian)
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    phase = u[..., :1, :] / wnp.absolute(u[..., :1, :])
    return wnp.concatenate([wnp.ravel((u * s[..., None, :]) @ vh),
                            wnp.ravel(u * wnp.conj(phase)),
                            wnp.ravel(vh * wnp.swapaxes(phase, -1, -2)), wnp.ravel(s)])


def _svd_full(a):
    """With full_matrices=True the extra columns of u (rows of vh) are any orthonormal
    basis of a complement: their projectors u2 u2^H and vh2^H vh2 are unique."""
    u, s, vh = wla.svd(a, full_matrices=True)
    k = s.shape[-1]
    u2, vh2 = u[..., k:], vh[..., k:, :]
    h = lambda x: wnp.conj(wnp.swapaxes(x, -1, -2))  # noqa: E731
    return wnp.concatenate([_svd_phase_free(a), wnp.ravel(u2 @ h(u2)),
                            wnp.ravel(h(vh2) @ vh2)])


SVD_HERMITIAN = [wla.svd, wla.eigh, "numpy.linalg.eigh"]

SVDS = [
    spec(_svd_expm, shape, domain=SV, name="svd:u@exp(s)@vh+u**2@vh**2", covers=SVD)
    for shape in [(3, 3), (4, 3), (3, 4), (2, 4, 3), (2, 2, 3)]
] + [
    spec(lambda a: _svd_expm(a, True), (3, 3), domain=SV,
         name="svd(full_matrices):u@exp(s)@vh+u**2@vh**2", covers=SVD),
    spec(_svd_expm, (4, 3), domain=SV, name="svd:u@exp(s)@vh+u**2@vh**2", dtype=np.float32,
         covers=SVD),
    spec(lambda a: wla.svd(a, compute_uv=False), (3, 4), domain=SV, name="svd(compute_uv=F)",
         covers=SVD),
    spec(lambda a: wla.svd(a, compute_uv=False), (2, 4, 3), domain=SV,
         name="svd(compute_uv=F)", covers=SVD),
    # complex: singular vectors up to a common phase of u[:, j] and vh[j]
    *[spec(_svd_phase_free, shape, domain=FB, name="svd:phase-free", covers=SVD,
           dtype=np.complex128) for shape in [(3, 3), (4, 3), (2, 3, 4)]],
    spec(_svd_phase_free, (4, 3), domain=SV, name="svd:phase-free", covers=SVD),
    spec(_svd_phase_free, (3, 2), domain=FB, name="svd:phase-free", covers=SVD,
         dtype=np.complex64),
    spec(lambda a: wla.svd(a, compute_uv=False), (2, 3, 4), domain=FB,
         name="svd(compute_uv=F)", covers=SVD, dtype=np.complex128),
    # full_matrices=True on non-square matrices: the extra vectors through their projectors
    *[spec(_svd_full, shape, domain=dom, name="svd(full_matrices):projectors", covers=SVD,
           dtype=dt) for shape, dom, dt in [((4, 2), SV, np.float64), ((2, 4), SV, np.float64),
                                            ((2, 4, 3), FB, np.complex128),
                                            ((3, 5), FB, np.complex128)]],
    # hermitian=True: NumPy's construction from eigh (lower triangle; the samples have
    # junk in the upper one); eigenvalues of both signs with distinct absolute values
    spec(lambda a: _svd_phase_free(a, hermitian=True), (3, 3), domain=indefinite_symmetric,
         name="svd(hermitian):phase-free", covers=SVD_HERMITIAN),
    spec(lambda a: _svd_phase_free(wnp.real(a) + 0.1j * wnp.imag(a), hermitian=True),
         (2, 3, 3), domain=indefinite_symmetric, dtype=np.complex128,
         name="svd(re+.1j*im,hermitian):phase-free", covers=SVD_HERMITIAN),
    spec(lambda a: wla.svd(a, compute_uv=False, hermitian=True), (2, 3, 3),
         domain=indefinite_symmetric, name="svd(compute_uv=F,hermitian)",
         covers=SVD_HERMITIAN),
]


def matrix_norm(shape, ord, axis=None, keepdims=False, domain=SV, **kwargs):
    label = ",".join(f"{k}={v}".replace(" ", "") for k, v in
                     (("ord", ord), ("axis", axis), ("keepdims", keepdims)) if v not in (None, False))
    via_svd = ord in (2, -2, "nuc")
    return spec(lambda x: wla.norm(x, ord, axis, keepdims), shape, name=f"norm({label})",
                domain=domain, covers=[wla.norm] + (SVD if via_svd else [wnp.absolute]),
                **kwargs)


# 1, -1, inf, -inf: NONZERO keeps |x| smooth; random sums of rows or columns do not tie
MATRIX_NORMS = [
    matrix_norm((3, 4), 2), matrix_norm((3, 4), -2), matrix_norm((4, 3), "nuc"),
    matrix_norm((2, 3, 3), 2, axis=(-2, -1)), matrix_norm((3, 2, 4), -2, axis=(2, 0)),
    matrix_norm((3, 4), "nuc", axis=(1, 0), keepdims=True),
    matrix_norm((3, 4), 2, dtype=np.float32),
    matrix_norm((3, 4), 1, domain=NONZERO), matrix_norm((3, 4), -1, domain=NONZERO),
    matrix_norm((3, 4), np.inf, domain=NONZERO), matrix_norm((3, 4), -np.inf, domain=NONZERO),
    matrix_norm((3, 2, 4), 1, axis=(2, 0), keepdims=True, domain=NONZERO),
    matrix_norm((3, 2, 4), np.inf, axis=(2, 0), domain=NONZERO),
    matrix_norm((2, 3, 4), -np.inf, axis=(-1, -2), domain=NONZERO),
    matrix_norm((3, 4), "fro", domain=NONZERO, dtype=np.complex128),
    matrix_norm((2, 3), 1, domain=NONZERO, dtype=np.complex128),
    matrix_norm((3, 4), "fro", axis=(0, 1), keepdims=True),
    matrix_norm((3, 4), 2, domain=FB, dtype=np.complex128),
    matrix_norm((2, 3, 3), -2, axis=(-2, -1), domain=FB, dtype=np.complex128),
    matrix_norm((4, 3), "nuc", domain=FB, dtype=np.complex128),
]

CONDS = [
    spec(wla.cond, (3, 3), domain=SV, covers=[wla.cond] + SVD),
    spec(wla.cond, (2, 4, 3), domain=SV, covers=[wla.cond] + SVD),
    spec(lambda a: wla.cond(a, -2), (3, 3), domain=SV, name="cond(-2)",
         covers=[wla.cond] + SVD),
    spec(wla.cond, (2, 3, 3), domain=FB, dtype=np.complex128, covers=[wla.cond] + SVD),
    spec(lambda a: wla.cond(a, 1), (3, 3), domain=NONZERO, name="cond(1)",
         covers=[wla.cond, wla.norm, wla.inv]),
    spec(lambda a: wla.cond(a, "fro"), (2, 3, 3), domain=WELL, name="cond(fro)",
         covers=[wla.cond, wla.norm, wla.inv]),
]

TENSORS = [
    spec(wla.tensorinv, (2, 2, 4), domain=well_square_tensor, covers=[wla.tensorinv, wla.inv]),
    spec(lambda a: wla.tensorinv(a, 1), (4, 2, 2), domain=well_square_tensor,
         name="tensorinv(ind=1)", covers=[wla.tensorinv, wla.inv]),
    spec(wla.tensorsolve, (2, 2, 4), (2, 2), domain=[well_square_tensor, ANY],
         covers=[wla.tensorsolve, wla.solve]),
    spec(lambda a, b: wla.tensorsolve(a, b, axes=(0,)), (4, 2, 2), (2, 2),
         domain=[well_square_tensor, ANY], name="tensorsolve(axes=(0,))",
         covers=[wla.tensorsolve, wla.solve]),
]

# batches of inv/det/solve (checked in op_specs.LINALG too), here complex ones, and the
# other composites of complex-capable primitives on complex matrices (complex samples of
# WELL and well_square_tensor are (1 + i) n I plus noise: still well conditioned)
BATCHES = [
    spec(lambda a: wla.eigvalsh(wnp.real(a) + 0.2j * wnp.imag(a)), (2, 3, 3),
         domain=separated_symmetric, dtype=np.complex128, name="eigvalsh(re+.2j*im)",
         covers=[wla.eigvalsh] + EIGH),
    spec(wla.tensorinv, (2, 2, 4), domain=well_square_tensor, dtype=np.complex128,
         covers=[wla.tensorinv, wla.inv]),
    spec(wla.tensorsolve, (2, 2, 4), (2, 2), domain=[well_square_tensor, ANY],
         dtype=np.complex128, covers=[wla.tensorsolve, wla.solve]),
    spec(lambda a: wla.matrix_power(a, -2), (2, 3, 3), domain=WELL, dtype=np.complex128,
         name="matrix_power(-2)", covers=[wla.matrix_power, wla.inv, wnp.matmul]),
    spec(wla.inv, (2, 2, 3, 3), domain=WELL, dtype=np.complex128),
    spec(wla.solve, (2, 3, 3), (2, 3, 2), domain=[WELL, ANY], dtype=np.complex128),
]

# plain numpy.linalg calls on traced values are routed to these
DISPATCH = [
    spec(lambda a: (np.linalg.slogdet(a)[1] + np.linalg.norm(a, 2)
                    + np.sum(np.linalg.svd(a, compute_uv=False))
                    + np.sum(np.linalg.eigvalsh(a)) + np.sum(np.linalg.cholesky(a))
                    + np.linalg.cond(a) + np.sum(np.linalg.pinv(a)) + np.sum(np.linalg.qr(a)[1])),
         (3, 3), domain=lambda rng, shape: spd(rng, shape) + np.diag([0.0, 1.5, 3.0]),
         name="np.linalg.slogdet+norm+svd+eigvalsh+cholesky+cond+pinv+qr",
         covers=[wla.slogdet, wla.norm, wla.svd, wla.eigvalsh, wla.cholesky, wla.cond,
                 wla.pinv, wla.qr]),
    spec(lambda a: np.sum(np.real(np.linalg.eigvals(a))) + np.linalg.eigh(a)[0][0]
         + np.sum(np.linalg.eig(a)[0]),
         (3, 3), domain=separated_symmetric, name="np.linalg.eigvals+eigh+eig",
         covers=[wla.eigvals, wla.eigh, wla.eig]),
    spec(lambda a, b: np.linalg.lstsq(a, b)[0] + np.linalg.tensorsolve(a, b)
         + np.sum(np.linalg.tensorinv(a, 1)), (3, 3), (3,), domain=[WELL, ANY],
         name="np.linalg.lstsq+tensorsolve+tensorinv",
         covers=[wla.lstsq, wla.tensorsolve, wla.tensorinv]),
    spec(lambda a: np.sum(np.linalg.svd(a, hermitian=True)[0] ** 2, axis=0)
         + np.linalg.pinv(a, hermitian=True)[0] + np.linalg.svd(a, full_matrices=True)[1],
         (3, 3), domain=indefinite_symmetric, name="np.linalg.svd(hermitian)+pinv(hermitian)",
         covers=[wla.svd, wla.pinv, wla.eigh]),
]

SPECS = (SLOGDETS + PINVS + LSTSQS + CHOLESKYS + QRS + EIGHS + EIGS + SVDS + MATRIX_NORMS
         + CONDS + TENSORS + BATCHES + DISPATCH)
