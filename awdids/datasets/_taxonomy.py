"""Attack name to attack category mapping for NSL-KDD."""

from types import MappingProxyType

__all__ = ["ATTACK_CATEGORIES", "CATEGORY_NAMES", "attack_to_category"]

#: The five classes of the paper, in the order used for reports.
CATEGORY_NAMES = ("normal", "dos", "probe", "r2l", "u2r")

_CATEGORY_MEMBERS = {
    "normal": ("normal",),
    "dos": (
        "apache2",
        "back",
        "land",
        "mailbomb",
        "neptune",
        "pod",
        "processtable",
        "smurf",
        "teardrop",
        "udpstorm",
    ),
    "probe": ("ipsweep", "mscan", "nmap", "portsweep", "saint", "satan"),
    "r2l": (
        "ftp_write",
        "guess_passwd",
        "imap",
        "multihop",
        "named",
        "phf",
        "sendmail",
        "snmpgetattack",
        "snmpguess",
        "spy",
        "warezclient",
        "warezmaster",
        "worm",
        "xlock",
        "xsnoop",
    ),
    "u2r": (
        "buffer_overflow",
        "httptunnel",
        "loadmodule",
        "perl",
        "ps",
        "rootkit",
        "sqlattack",
        "xterm",
    ),
}

#: Read-only mapping from every attack name in the NSL-KDD files to its category.
#: ``httptunnel`` is U2R and ``worm`` is R2L: with these two choices the mapping
#: reproduces Table 3 of the paper exactly.
ATTACK_CATEGORIES = MappingProxyType(
    {
        attack: category
        for category, attacks in _CATEGORY_MEMBERS.items()
        for attack in attacks
    }
)


def attack_to_category(attacks, *, unknown="raise"):
    """Map NSL-KDD attack names to the five attack categories.

    Parameters
    ----------
    attacks : array-like of str
        Attack names as they appear in the NSL-KDD files (``"neptune"``,
        ``"normal"``, ...). Surrounding white space and letter case are ignored.
    unknown : "raise" or str, default="raise"
        What to do with an attack name missing from :data:`ATTACK_CATEGORIES`:
        ``"raise"`` raises a ``ValueError`` listing the unknown names, any other
        string is used as the category of those rows.

    Returns
    -------
    categories : ndarray of str
        The category of each attack, one of :data:`CATEGORY_NAMES` (or
        ``unknown``).

    Examples
    --------
    >>> from awdids.datasets import attack_to_category
    >>> attack_to_category(["normal", "neptune", "guess_passwd"]).tolist()
    ['normal', 'dos', 'r2l']
    >>> attack_to_category(["zeroday"], unknown="other").tolist()
    ['other']
    """
    import numpy as np

    if not isinstance(unknown, str):
        raise TypeError(f"unknown must be a str, got {unknown!r}.")
    names = np.asarray(attacks, dtype=object).ravel()
    cleaned = np.array([str(name).strip().lower() for name in names], dtype=object)
    unique, inverse = np.unique(cleaned, return_inverse=True)
    missing = [name for name in unique if name not in ATTACK_CATEGORIES]
    if missing and unknown == "raise":
        raise ValueError(
            f"Unknown attack name(s) {missing}; known names are "
            f"{sorted(ATTACK_CATEGORIES)}. Pass unknown='<category>' to map them "
            "to a category of your choice."
        )
    mapped = np.array(
        [ATTACK_CATEGORIES.get(name, unknown) for name in unique], dtype=object
    )
    return mapped[inverse].astype(str)
