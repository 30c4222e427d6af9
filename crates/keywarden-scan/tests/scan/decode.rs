//! Secrets hidden in an encoding: base64 (both alphabets), hex,
//! percent-encoding, escapes, HTML entities, nested, in their real homes
//! (a Kubernetes Secret, a Docker config, a JWT passed in base64), and the
//! clean text decoding must leave alone.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use keywarden_scan::{Confidence, Config, Scanner};

use crate::{Gen, keywarden_key, scanner};

fn b64(s: &str) -> String {
    STANDARD.encode(s)
}

/// (rule, secret, decoding chain, line, column) of every match.
fn found(
    s: &Scanner,
    path: &str,
    text: &str,
) -> Vec<(String, String, Option<String>, usize, usize)> {
    s.scan(path, text.as_bytes())
        .into_iter()
        .map(|m| {
            (
                s.rules()[m.rule].id.clone(),
                m.secret.expose().to_owned(),
                m.decoded.clone(),
                m.line,
                m.column,
            )
        })
        .collect()
}

fn depth(n: u8) -> Scanner {
    let mut c = Config::default();
    c.decode_depth = n;
    Scanner::new(&c).unwrap()
}

fn aws_pair(g: &mut Gen) -> (String, String) {
    (
        format!("AKIA{}", g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
        g.b64(40),
    )
}

#[test]
fn a_kubernetes_secret_is_decoded_value_by_value() {
    let mut g = Gen::new(260);
    let (id, secret) = aws_pair(&mut g);
    let kw = keywarden_key("acme", "live", 0x26);
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  \
         AWS_ACCESS_KEY_ID: {}\n  AWS_SECRET_ACCESS_KEY: {}\n  ACME_KEY: {}\n",
        b64(&id),
        b64(&secret),
        b64(&kw)
    );
    let got = found(&scanner(), "deploy/secret.yaml", &manifest);
    let by_secret = |s: &str| got.iter().find(|f| f.1 == s).cloned();
    let id_found = by_secret(&id).unwrap_or_else(|| panic!("{got:?}"));
    assert_eq!(
        (
            id_found.0.as_str(),
            id_found.2.as_deref(),
            id_found.3,
            id_found.4
        ),
        ("aws-access-key-id", Some("base64"), 7, 22)
    );
    let secret_found = by_secret(&secret).unwrap_or_else(|| panic!("{got:?}"));
    assert_eq!(secret_found.0, "aws-secret-access-key");
    let kw_found = by_secret(&kw).unwrap_or_else(|| panic!("{got:?}"));
    assert_eq!(
        (kw_found.0.as_str(), kw_found.2.as_deref()),
        ("keywarden-key", Some("base64"))
    );
    // Nothing is reported twice: one finding per value.
    assert_eq!(got.len(), 3, "{got:?}");
    // A checksum proves the decoded key real.
    let m = scanner().scan("deploy/secret.yaml", manifest.as_bytes());
    assert!(m.iter().any(|m| m.verified && m.secret.expose() == kw));
}

#[test]
fn a_docker_config_and_a_base64_jwt_are_decoded() {
    let mut g = Gen::new(261);
    let auth = b64(&format!("deploy:{}", g.alnum(24)));
    let config = format!(r#"{{"auths":{{"registry.acme.io":{{"auth":"{auth}"}}}}}}"#);
    let text = format!(
        "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {}\n",
        b64(&config)
    );
    let got = found(&scanner(), "k8s/pull.yaml", &text);
    assert!(
        got.iter().any(|f| f.0 == "docker-config-auth"
            && f.1 == auth
            && f.2.as_deref() == Some("base64")),
        "{got:?}"
    );

    let jwt = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"{}","admin":true}}"#, g.alnum(12))),
        g.b64url(43)
    );
    let text = format!("TOKEN_B64={}\n", b64(&jwt));
    let got = found(&scanner(), "ci/env.sh", &text);
    assert!(
        got.iter()
            .any(|f| f.0 == "jwt" && f.1 == jwt && f.2.as_deref() == Some("base64")),
        "{got:?}"
    );
}

#[test]
fn every_encoding_and_nesting_to_the_configured_depth() {
    let mut g = Gen::new(262);
    let stripe = format!("sk_live_{}", g.alnum(30));
    let line = format!("STRIPE_KEY={stripe}");
    let hex: String = line.bytes().map(|b| format!("{b:02x}")).collect();
    let cases = [
        (format!("blob: {}\n", b64(&line)), "base64"),
        (
            format!(
                "blob: {}\n",
                URL_SAFE_NO_PAD.encode(format!("?>?>{line}?>"))
            ),
            "base64",
        ),
        (format!("blob = \"{hex}\"\n"), "hex"),
        (
            format!("cfg=%7B%22stripe%22%3A%22{stripe}%22%7D\n"),
            "percent",
        ),
        (
            format!("{{\"k\": \"\\u0073\\u006b_live_{}\"}}\n", &stripe[8..]),
            "escape",
        ),
        (
            format!("<k>&#115;k_live_{}</k>\n", &stripe[8..]),
            "html-entity",
        ),
        (format!("blob: {}\n", b64(&b64(&line))), "base64 → base64"),
        (
            format!("blob: {}\n", b64(&b64(&b64(&line)))),
            "base64 → base64 → base64",
        ),
    ];
    for (text, chain) in &cases {
        let got = found(&scanner(), "config.txt", text);
        assert_eq!(
            got.iter()
                .map(|f| (f.0.as_str(), f.1.as_str(), f.2.as_deref()))
                .collect::<Vec<_>>(),
            [("stripe-live-secret-key", stripe.as_str(), Some(*chain))],
            "{text}"
        );
        assert!(
            found(&depth(0), "config.txt", text).is_empty(),
            "depth 0: {text}"
        );
    }
    // Four levels are past the default depth of 3; depth 4 reaches them.
    let four = format!("blob: {}\n", b64(&b64(&b64(&b64(&line)))));
    assert!(found(&scanner(), "config.txt", &four).is_empty());
    assert_eq!(found(&depth(4), "config.txt", &four).len(), 1);
    // A decoded line is one finding, at the encoded text's place.
    let text = format!("a\nb\n  x: {}\n", b64(&line));
    assert_eq!(
        found(&scanner(), "c.yaml", &text)[0].3..=found(&scanner(), "c.yaml", &text)[0].4,
        3..=6
    );
}

#[test]
fn several_secrets_in_one_blob_all_stand() {
    let mut g = Gen::new(263);
    let a = format!("sk_live_{}", g.alnum(30));
    let b = format!("sk_live_{}", g.alnum(30));
    let env = format!("STRIPE_A={a}\nSTRIPE_B={b}\n");
    let got = found(&scanner(), "x.yaml", &format!("env: {}\n", b64(&env)));
    let secrets: Vec<&str> = got.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(secrets, [a.as_str(), b.as_str()], "{got:?}");
    // An encoded assignment inside a quoted string is read as its own line.
    let pw = g.alnum(20);
    for wrap in [
        "{{\"settings\": \"{e}\"}}",
        "config_blob: \"{e}\"",
        "echo {e} | base64 -d > .env",
    ] {
        let text = wrap
            .replace("{e}", &b64(&format!("DB_PASSWORD={pw}")))
            .replace("{{", "{")
            .replace("}}", "}");
        let got = found(&scanner(), "blob.json", &format!("{text}\n"));
        assert_eq!(
            got.iter().map(|f| f.1.as_str()).collect::<Vec<_>>(),
            [pw.as_str()],
            "{text}"
        );
    }
}

#[test]
fn clean_text_stays_clean_and_plain_findings_keep_their_shape() {
    // Identifiers, hashes, random tokens, URLs, format strings, escapes of
    // non-ASCII text, ordinary base64 data: nothing decoded is a finding.
    let text = "getElementsByTagNameNS(__attribute_deprecated__);\n\
        sha256 = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
        printf(\"%02x%2d%s\\n\", a, b, c);\n\
        url = \"https://example.com/a%20b?q=%2Fx\"\n\
        msg = \"caf\\u00e9 \\u2019s\" &amp; &lt;b&gt;\n\
        logo = \"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\"\n\
        note = \"VGhpcyBpcyBqdXN0IGEgc2VudGVuY2Ugb2YgcGxhaW4gdGV4dC4=\"\n";
    assert!(
        found(&scanner(), "src/lib.py", text).is_empty(),
        "{:?}",
        found(&scanner(), "src/lib.py", text)
    );
    // A key found as it stands keeps its plain finding (and fingerprint).
    let mut g = Gen::new(264);
    let stripe = format!("sk_live_{}", g.alnum(30));
    let got = found(&scanner(), "a.env", &format!("K={stripe}\n"));
    assert_eq!(got[0].2, None);
}

#[test]
fn findings_say_how_sure_they_are() {
    let s = scanner();
    let mut g = Gen::new(265);
    let kw = keywarden_key("acme", "live", 0x27);
    let stripe = format!("sk_live_{}", g.alnum(30));
    let generic = format!("db_password = \"{}\"", g.alnum(20));
    let text = format!("A={kw}\nB={stripe}\n{generic}\n");
    let conf: Vec<(String, Confidence)> = s
        .scan("app.env", text.as_bytes())
        .into_iter()
        .map(|m| {
            let f = s.finding(m, "app.env", None);
            (f.rule_id.to_string(), f.confidence)
        })
        .collect();
    assert_eq!(
        conf,
        [
            ("keywarden-key".to_owned(), Confidence::High),
            ("stripe-live-secret-key".to_owned(), Confidence::Medium),
            ("generic-secret".to_owned(), Confidence::Low),
        ]
    );
}

#[test]
fn precision_causes_seen_on_clean_trees_and_recall_gaps() {
    let s = scanner();
    let mut g = Gen::new(266);
    // Django's generated SECRET_KEY holds parentheses and symbols.
    let django = format!("django-insecure-{}(x)#!{}", g.alnum(20), g.alnum(12));
    let got = crate::found_in(&s, "settings.py", &format!("SECRET_KEY = '{django}'\n"));
    assert_eq!(got, [("generic-secret".to_owned(), django)]);
    // Letters only, random: a secret all the same.
    let letters = format!("QzXk{}", g.letters(14));
    let got = crate::found_in(&s, "app.env", &format!("API_SECRET={letters}\n"));
    assert_eq!(got.len(), 1, "{got:?}");
    // A call is code, not a value.
    assert!(crate::found_in(&s, "a.py", "token = get_token(request, 42)\n").is_empty());
    // A UUID under a token's name is an id; under a key's name it may be a credential.
    let uuid = "3f1c2a9e-8b7d-4c6e-9a1f-2b3c4d5e6f70";
    assert!(crate::found_in(&s, "ex.json", &format!("\"ClientToken\": \"{uuid}\",\n")).is_empty());
    assert_eq!(
        crate::found_in(&s, "a.env", &format!("HEROKU_API_KEY={uuid}\n")).len(),
        1
    );
    // `_auth` in a program is not an .npmrc; at a registry's `:` it is.
    let value = g.alnum(24);
    assert!(
        crate::found_in(&s, "client.py", &format!("        self._auth = {value}\n")).is_empty()
    );
    let got = crate::found_in(
        &s,
        ".npmrc",
        &format!("//registry.npmjs.org/:_authToken={value}\n"),
    );
    assert_eq!(got, [("npmrc-auth-token".to_owned(), value)]);
    // A run of `A` in base64 data is no X bearer token; the token's shape is.
    let data = format!("{}{}", "A".repeat(40), g.alnum(60));
    assert!(crate::found_in(&s, "img.txt", &format!("data = {data}\n")).is_empty());
    let bearer = format!("{}M{}%2B{}", "A".repeat(21), g.alnum(30), g.alnum(40));
    let got = crate::found_in(&s, "x.env", &format!("X_BEARER={bearer}\n"));
    assert_eq!(got, [("twitter-bearer-token".to_owned(), bearer)]);
    // A password holding `*` or `%s` is a password; `****` is a mask.
    let pw = format!("{}*{}%s{}", g.alnum(8), g.alnum(6), g.alnum(4));
    let got = crate::found_in(
        &s,
        "a.env",
        &format!("BROKER_URL=amqp://app:{pw}@mq:5672/main\n"),
    );
    assert_eq!(
        got.iter().map(|f| f.1.as_str()).collect::<Vec<_>>(),
        [pw.as_str()],
        "{got:?}"
    );
    assert!(crate::found_in(&s, "a.env", "BROKER_URL=amqp://app:****@mq:5672/main\n").is_empty());
    // In .env, .properties and YAML files an unquoted value is a literal, dots and all.
    let dotted = format!("{}.{}", g.alnum(12), g.alnum(8));
    assert_eq!(
        crate::found_in(&s, "prod.env", &format!("DB_PASSWORD={dotted}\n")).len(),
        1
    );
    assert_eq!(
        crate::found_in(
            &s,
            "application.properties",
            &format!("spring.datasource.password={dotted}\n")
        )
        .len(),
        1
    );
    // And in YAML (a planted password, `psq9Ley8DDCH_.z6FOmK`, was missed).
    assert_eq!(
        crate::found_in(
            &s,
            "config/app.yaml",
            &format!("database:\n  password: {dotted}\n")
        )
        .len(),
        1
    );
    // In code it is attribute access.
    assert!(crate::found_in(&s, "app.py", "password = settings.db_password\n").is_empty());
    // What documentation writes in a secret's place (seen in AWS's CLI
    // examples and botocore's data on the clean tree).
    for doc in [
        "\"Password\": \"generatedwebdavpassword1\"",
        "\"ExportToken\": \"export-token-cu4lg26ofcziixny\"",
        "\"Token\": \"a1b2c3d4567890ab\"",
        "\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY1\"",
        "\"SessionToken\": \"AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT\"",
        "\"PasswordLastUsed\": \"2016-09-08T21:47:36Z\"",
        "\"alias/aws/secretsmanager\": \"fee5173a-3972-428e-ae73-cd4c2a371222\"",
        "path = \"StreamDescription.Shards[-1].ShardId\"",
    ] {
        assert!(
            crate::found_in(&s, "examples.json", &format!("{doc}\n")).is_empty(),
            "{doc}"
        );
    }
}

/// A placeholder word inside a long random body (a PEM key's base64 can
/// spell `FAkE`) does not make it a placeholder; standing alone it does.
#[test]
fn placeholder_words_in_long_values_must_stand_alone() {
    use keywarden_scan::validate::is_placeholder;
    let mut g = Gen::new(267);
    let body = format!("{}FAkE{}", g.b64(300), g.b64(300));
    assert!(!is_placeholder(&body));
    assert!(is_placeholder(&format!(
        "{} fake {}",
        g.b64(300),
        g.b64(300)
    )));
    assert!(is_placeholder("my-fake-token-1"));
    assert!(is_placeholder("TODO_SET_ME_LATER"));
    assert!(is_placeholder("Fake1234567890qwerty"));
    // Random text spells words in mixed case by chance: `pswrTOdOZ…`.
    assert!(!is_placeholder("pswrTOdOZFjHDSvYFsOg8Ml7"));
    let s = scanner();
    let hook = format!(
        "https://hooks.slack.com/services/T{}/B{}/pswrTOdOZFjHDSvYFsOg8Ml7",
        g.upper_alnum(8),
        g.upper_alnum(10)
    );
    assert_eq!(
        crate::found_in(&s, "w.sh", &format!("export SLACK_WEBHOOK_URL={hook}\n")).len(),
        1
    );
    // Two `*` in a password are characters; three or more are a mask.
    let pw = format!("{}**{}", g.alnum(10), g.alnum(6));
    let got = crate::found_in(
        &s,
        "db.yml",
        &format!("url: postgres://app:{pw}@db.internal:5432/main\n"),
    );
    assert_eq!(
        got.iter().map(|f| f.1.as_str()).collect::<Vec<_>>(),
        [pw.as_str()]
    );
}
