"""The NSL-KDD record layout: column names and the vocabulary of text columns."""

__all__ = [
    "NUMERIC_RANGES",
    "FEATURE_NAMES",
    "CATEGORICAL_FEATURES",
    "NUMERIC_FEATURES",
    "CATEGORY_VOCABULARY",
]

#: The 41 features of an NSL-KDD record, in file order.
FEATURE_NAMES = (
    "duration",
    "protocol_type",
    "service",
    "flag",
    "src_bytes",
    "dst_bytes",
    "land",
    "wrong_fragment",
    "urgent",
    "hot",
    "num_failed_logins",
    "logged_in",
    "num_compromised",
    "root_shell",
    "su_attempted",
    "num_root",
    "num_file_creations",
    "num_shells",
    "num_access_files",
    "num_outbound_cmds",
    "is_host_login",
    "is_guest_login",
    "count",
    "srv_count",
    "serror_rate",
    "srv_serror_rate",
    "rerror_rate",
    "srv_rerror_rate",
    "same_srv_rate",
    "diff_srv_rate",
    "srv_diff_host_rate",
    "dst_host_count",
    "dst_host_srv_count",
    "dst_host_same_srv_rate",
    "dst_host_diff_srv_rate",
    "dst_host_same_src_port_rate",
    "dst_host_srv_diff_host_rate",
    "dst_host_serror_rate",
    "dst_host_srv_serror_rate",
    "dst_host_rerror_rate",
    "dst_host_srv_rerror_rate",
)

#: The three text columns, one-hot encoded by the preprocessor.
CATEGORICAL_FEATURES = ("protocol_type", "service", "flag")

#: The 38 numeric columns, Min-Max scaled by the preprocessor.
NUMERIC_FEATURES = tuple(f for f in FEATURE_NAMES if f not in CATEGORICAL_FEATURES)

#: The values each numeric column can hold: durations, byte and connection
#: counts are non-negative, ``*_rate`` columns are shares in [0, 1].
NUMERIC_RANGES = {
    name: (0.0, 1.0 if name.endswith("_rate") else float("inf"))
    for name in NUMERIC_FEATURES
}

#: Every value each text column takes in KDDTrain+ and KDDTest+ (3 + 70 + 11),
#: sorted. The one-hot layout is built from this, not from the data, so train and
#: test always share one layout.
CATEGORY_VOCABULARY = {
    "protocol_type": ("icmp", "tcp", "udp"),
    "service": tuple(
        sorted(
            """
            IRC X11 Z39_50 aol auth bgp courier csnet_ns ctf daytime discard domain
            domain_u echo eco_i ecr_i efs exec finger ftp ftp_data gopher harvest
            hostnames http http_2784 http_443 http_8001 imap4 iso_tsap klogin kshell
            ldap link login mtp name netbios_dgm netbios_ns netbios_ssn netstat nnsp
            nntp ntp_u other pm_dump pop_2 pop_3 printer private red_i remote_job rje
            shell smtp sql_net ssh sunrpc supdup systat telnet tftp_u tim_i time urh_i
            urp_i uucp uucp_path vmnet whois
            """.split()
        )
    ),
    "flag": (
        "OTH",
        "REJ",
        "RSTO",
        "RSTOS0",
        "RSTR",
        "S0",
        "S1",
        "S2",
        "S3",
        "SF",
        "SH",
    ),
}
