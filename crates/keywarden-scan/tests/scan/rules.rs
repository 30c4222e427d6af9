//! Every rule: positive examples (found, with exactly that secret) and
//! negative ones (not found by that rule).

use base64::Engine as _;
use keywarden_scan::rules::{self, RuleKind};

use crate::{Gen, checksummed, found_in, keywarden_key, scanner};

pub(crate) struct Case {
    pub(crate) rule: &'static str,
    pub(crate) path: &'static str,
    /// (text, the secret the rule must report)
    pub(crate) positive: Vec<(String, String)>,
    pub(crate) negative: Vec<String>,
}

fn case(rule: &'static str, positive: Vec<(String, String)>, negative: Vec<String>) -> Case {
    Case {
        rule,
        path: "src/config.py",
        positive,
        negative,
    }
}

/// The token itself as the text, quoted in an assignment.
fn tok(secret: String) -> (String, String) {
    (format!("value = \"{secret}\"\n"), secret)
}

/// A PyPI token: a version 2 macaroon (location pypi.org, identifier,
/// one caveat, signature), or with `signed: false` the same without its
/// signature field.
fn pypi_token(g: &mut Gen, signed: bool) -> String {
    let mut m = b"\x02\x01\x08pypi.org\x02\x10".to_vec();
    m.extend(g.hex(16).bytes());
    m.push(0x00);
    let caveat = format!(
        "{{\"version\": 1, \"permissions\": {{\"projects\": [\"{}\"]}}}}",
        g.letters(8)
    );
    m.extend([0x02, caveat.len() as u8]);
    m.extend(caveat.bytes());
    m.extend([0x00, 0x00]);
    if signed {
        m.extend([0x06, 0x20]);
        m.extend(g.hex(32).bytes().take(32));
    } else {
        m.extend(g.hex(34).bytes());
    }
    format!(
        "pypi-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(m)
    )
}

fn jwt_part(json: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn pem(kind: &str, g: &mut Gen, lines: usize) -> String {
    let mut body = String::new();
    for _ in 0..lines {
        body.push_str(&g.b64(64));
        body.push('\n');
    }
    format!(
        "-----BEGIN {kind}-----\n{body}-----END {kind}-----\n",
        kind = kind
    )
}

#[allow(clippy::too_many_lines)]
pub(crate) fn cases() -> Vec<Case> {
    let mut g = Gen::new(42);
    let g = &mut g;
    // Values for cases added after the corpus was first generated come from
    // their own generator, so adding one leaves the others' values as they were.
    let mut f = Gen::new(14);
    let f = &mut f;
    let mut cases = Vec::new();

    // keywarden keys: any prefix, any environment, valid checksum only.
    let key = keywarden_key("acme", "prod", 9);
    let key2 = keywarden_key("kw", "staging", 200);
    let mut bad_checksum = key.clone();
    let last = bad_checksum.pop().unwrap();
    bad_checksum.push(if last == 'a' { 'b' } else { 'a' });
    cases.push(case(
        "keywarden-key",
        vec![
            tok(key.clone()),
            (format!("KEYWARDEN_TOKEN={key2}\n"), key2.clone()),
            (
                format!("curl -H 'Authorization: Bearer {key}'"),
                key.clone(),
            ),
        ],
        vec![
            format!("value = \"{bad_checksum}\"\n"),
            format!("TOKEN={bad_checksum}\n"),
            format!("value = \"{key}X\"\n"),
            format!("value = \"X{key}\"\n"),
            // KEY-FORMAT.md's published test vector.
            concat!(
                "kw_live_",
                "00000000000000000000000000000000000000000000AwA6B"
            )
            .to_owned(),
        ],
    ));

    // GitHub and npm tokens with the CRC-32 checksum.
    for (rule, prefix) in [
        ("github-pat", "ghp_"),
        ("github-oauth-token", "gho_"),
        ("github-user-to-server-token", "ghu_"),
        ("github-server-to-server-token", "ghs_"),
        ("github-refresh-token", "ghr_"),
        ("npm-access-token", "npm_"),
    ] {
        let good = checksummed(prefix, g);
        let mut bad = good.clone();
        bad.replace_range(6..7, if &good[6..7] == "a" { "b" } else { "a" });
        cases.push(case(
            rule,
            vec![
                tok(good.clone()),
                (format!("export GH={good}\n"), good.clone()),
            ],
            vec![
                format!("value = \"{bad}\"\n"),
                format!("value = \"{}\"\n", &good[..good.len() - 1]),
                format!("value = \"{prefix}{}\"\n", "x".repeat(36)),
            ],
        ));
    }
    cases.push(case(
        "github-fine-grained-pat",
        vec![tok(format!("github_pat_{}_{}", g.alnum(22), g.alnum(59)))],
        vec![format!(
            "value = \"github_pat_{}_{}\"",
            g.alnum(21),
            g.alnum(59)
        )],
    ));
    let npmrc = g.alnum(36);
    cases.push(Case {
        rule: "npmrc-auth-token",
        path: ".npmrc",
        positive: vec![(format!("//registry.npmjs.org/:_authToken={npmrc}\n"), npmrc)],
        negative: vec!["//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n".into()],
    });

    // AWS.
    let akid = format!(
        "{}{}",
        "AKIA",
        g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    cases.push(case(
        "aws-access-key-id",
        vec![
            tok(akid.clone()),
            tok(format!(
                "{}{}",
                "ASIA",
                g.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
            )),
        ],
        vec![
            format!("value = \"{}\"", concat!("AKIA", "IOSFODNN7EXAMPLE")),
            format!("value = \"{}\"", akid.to_lowercase()),
            format!("value = \"{akid}X\""),
        ],
    ));
    let aws_secret = g.b64(40);
    cases.push(case(
        "aws-secret-access-key",
        vec![
            (
                format!("aws_secret_access_key = {aws_secret}\n"),
                aws_secret.clone(),
            ),
            (
                format!("\"SecretAccessKey\": \"{aws_secret}\","),
                aws_secret.clone(),
            ),
        ],
        vec![
            format!(
                "aws_secret_access_key = {}\n",
                concat!("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY")
            ),
            format!("aws_region = {aws_secret}\n"),
            "aws_secret_access_key = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n".into(),
        ],
    ));

    // Stripe.
    for (rule, prefix) in [
        ("stripe-live-secret-key", "sk_live_"),
        ("stripe-test-secret-key", "sk_test_"),
        ("stripe-live-restricted-key", "rk_live_"),
        ("stripe-test-restricted-key", "rk_test_"),
    ] {
        cases.push(case(
            rule,
            vec![
                tok(format!("{prefix}{}", g.alnum(24))),
                tok(format!("{prefix}{}", g.alnum(99))),
            ],
            vec![
                format!("value = \"{prefix}{}\"", g.alnum(12)),
                format!(
                    "value = \"{}{}\"",
                    concat!("sk_test_", "4eC39HqLyjWDarjtT1zdp7dc"),
                    ""
                ),
            ],
        ));
    }
    cases.push(case(
        "stripe-webhook-secret",
        vec![tok(format!("whsec_{}", g.alnum(32)))],
        vec![format!("value = \"whsec_{}\"", g.alnum(10))],
    ));

    // Slack.
    cases.push(case(
        "slack-bot-token",
        vec![tok(format!(
            "xoxb-{}-{}-{}",
            g.digits(11),
            g.digits(12),
            g.alnum(24)
        ))],
        vec!["value = \"xoxb-123-456-abc\"".into()],
    ));
    cases.push(case(
        "slack-user-token",
        vec![tok(format!(
            "xoxp-{}-{}-{}-{}",
            g.digits(11),
            g.digits(11),
            g.digits(12),
            g.alnum(32)
        ))],
        vec![format!("value = \"xoxp-{}-{}\"", g.digits(11), g.alnum(32))],
    ));
    cases.push(case(
        "slack-app-token",
        vec![tok(format!(
            "xapp-1-A{}-{}-{}",
            g.upper_alnum(10),
            g.digits(13),
            g.hex(64)
        ))],
        vec!["value = \"xapp-1-ABC-1-abc\"".into()],
    ));
    cases.push(case(
        "slack-webhook-url",
        vec![tok(format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            g.upper_alnum(8),
            g.upper_alnum(8),
            g.alnum(24)
        ))],
        vec![
            "value = \"https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX\""
                .into(),
            "see https://hooks.slack.com/services for details".into(),
        ],
    ));

    // Google.
    cases.push(case(
        "google-api-key",
        vec![tok(format!("AIza{}", g.b64url(35)))],
        vec![format!("value = \"AIza{}\"", g.b64url(20))],
    ));
    cases.push(case(
        "google-oauth-client-secret",
        vec![tok(format!("GOCSPX-{}", g.b64url(28)))],
        vec![format!("value = \"GOCSPX-{}\"", g.b64url(12))],
    ));

    // GitLab.
    for (rule, prefix) in [
        ("gitlab-pat", "glpat-"),
        ("gitlab-runner-token", "glrt-"),
        ("gitlab-deploy-token", "gldt-"),
    ] {
        cases.push(case(
            rule,
            vec![tok(format!("{prefix}{}", g.b64url(20)))],
            vec![format!("value = \"{prefix}{}\"", g.alnum(10))],
        ));
    }
    cases.push(case(
        "gitlab-pipeline-trigger-token",
        vec![tok(format!("glptt-{}", g.hex(40)))],
        vec![format!("value = \"glptt-{}\"", g.hex(39))],
    ));

    cases.push(case(
        "pypi-upload-token",
        vec![tok(pypi_token(g, true)), tok(pypi_token(g, true))],
        vec![
            format!("value = \"pypi-AgEIcHlwaS5vcmc{}\"", g.b64url(10)),
            // Shaped like one, but not a macaroon: no signature field.
            format!("value = \"{}\"", pypi_token(g, false)),
            format!("value = \"pypi-AgEIcHlwaS5vcmc{}\"", g.b64url(70)),
        ],
    ));
    cases.push(case(
        "openai-api-key",
        vec![
            tok(format!("sk-proj-{}T3BlbkFJ{}", g.b64url(40), g.b64url(40))),
            tok(format!("sk-{}T3BlbkFJ{}", g.alnum(20), g.alnum(20))),
        ],
        vec![format!("value = \"sk-{}\"", g.alnum(48))],
    ));
    cases.push(case(
        "anthropic-api-key",
        vec![tok(format!("sk-ant-api03-{}AA", g.b64url(93)))],
        vec![format!("value = \"sk-ant-api03-{}\"", g.b64url(20))],
    ));
    cases.push(case(
        "huggingface-token",
        vec![tok(format!("hf_{}", g.letters(34)))],
        vec![
            format!("value = \"hf_{}\"", g.letters(20)),
            format!("value = \"hf_{}1\"", g.letters(33)),
        ],
    ));
    let twilio = format!("SK{}", g.hex(32));
    cases.push(case(
        "twilio-api-key",
        vec![(format!("TWILIO_API_KEY={twilio}\n"), twilio.clone())],
        vec![format!("SOME_ID={twilio}\n")],
    ));
    // SendGrid: "Twilio SendGrid API keys are 69 characters long", so
    // one character fewer or more is not a key.
    cases.push(case(
        "sendgrid-api-key",
        vec![tok(format!("SG.{}.{}", g.b64url(22), g.b64url(43)))],
        vec![
            "value = \"SG.short.short\"".into(),
            "msg.send(data)".into(),
            format!("value = \"SG.{}.{}\"", f.b64url(22), f.b64url(42)),
            format!("value = \"SG.{}.{}\"", f.b64url(22), f.b64url(44)),
            format!("value = \"SG.{}.{}\"", f.b64url(21), f.b64url(43)),
        ],
    ));
    cases.push(case(
        "brevo-api-key",
        vec![tok(format!("xkeysib-{}-{}", g.hex(64), g.alnum(16)))],
        vec![format!("value = \"xkeysib-{}\"", g.hex(64))],
    ));
    cases.push(case(
        "mailgun-api-key",
        vec![tok(format!("key-{}", g.hex(32)))],
        vec![
            "a key-value store".into(),
            format!("value = \"key-{}\"", g.hex(31)),
        ],
    ));
    cases.push(case(
        "mailchimp-api-key",
        vec![tok(format!("{}-us6", g.hex(32)))],
        vec![format!("value = \"{}-us6\"", g.hex(31))],
    ));
    cases.push(case(
        "shopify-access-token",
        vec![
            tok(format!("shpat_{}", g.hex(32))),
            tok(format!("shpca_{}", g.hex(32))),
        ],
        vec![format!("value = \"shpat_{}\"", g.hex(31))],
    ));
    cases.push(case(
        "shopify-shared-secret",
        vec![tok(format!("shpss_{}", g.hex(32)))],
        vec![format!("value = \"shpss_{}\"", g.hex(20))],
    ));
    cases.push(case(
        "digitalocean-token",
        vec![
            tok(format!("dop_v1_{}", g.hex(64))),
            tok(format!("doo_v1_{}", g.hex(64))),
        ],
        vec![format!("value = \"dop_v1_{}\"", g.hex(63))],
    ));
    let azure = format!("{}==", g.b64(86));
    cases.push(case(
        "azure-storage-connection-string",
        vec![(
            format!(
                "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={azure};EndpointSuffix=core.windows.net\n"
            ),
            azure,
        )],
        vec![
            "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<key>;EndpointSuffix=core.windows.net".into(),
        ],
    ));
    cases.push(case(
        "azure-ad-client-secret",
        vec![tok(format!("{}8Q~{}", g.alnum(3), g.b64url(34)))],
        vec![
            "the Q~ operator".into(),
            format!("value = \"{}8Q~{}\"", g.alnum(3), g.alnum(10)),
        ],
    ));
    let discord = format!("M{}.{}.{}", g.b64url(23), g.b64url(6), g.b64url(27));
    cases.push(case(
        "discord-bot-token",
        vec![(format!("DISCORD_TOKEN=\"{discord}\"\n"), discord.clone())],
        vec![format!("OTHER=\"{discord}\"\n")],
    ));
    cases.push(case(
        "discord-webhook-url",
        vec![tok(format!(
            "https://discord.com/api/webhooks/{}/{}",
            g.digits(18),
            g.b64url(68)
        ))],
        vec!["value = \"https://discord.com/api/webhooks/123/abc\"".into()],
    ));
    cases.push(case(
        "telegram-bot-token",
        vec![tok(format!("{}:AA{}", g.digits(10), g.b64url(33)))],
        vec![format!("value = \"{}:AA{}\"", g.digits(5), g.b64url(33))],
    ));
    cases.push(case(
        "square-access-token",
        vec![
            tok(format!("EAAA{}", g.b64url(60))),
            tok(format!("sq0atp-{}", g.b64url(22))),
        ],
        vec![
            format!("value = \"EAAA{}\"", g.b64url(20)),
            // Square OAuth access tokens are 64 characters: not 65.
            format!("value = \"EAAA{}\"", f.alnum(61)),
            format!("value = \"sq0atp-{}\"", f.b64url(23)),
        ],
    ));
    cases.push(case(
        "square-oauth-secret",
        vec![tok(format!("sq0csp-{}", g.b64url(43)))],
        vec![format!("value = \"sq0csp-{}\"", g.b64url(20))],
    ));
    // Typeform's documented shape, `tfp_` + 40 lowercase hex, and near
    // misses: upper-case hex, a longer hex run, one character short.
    cases.push(case(
        "typeform-pat",
        vec![
            tok(format!("tfp_{}", f.hex(40))),
            tok(format!("tfp_{}_{}", f.b64url(44), f.alnum(14))),
        ],
        vec![
            format!("value = \"tfp_{}\"", f.hex(40).to_ascii_uppercase()),
            format!("value = \"tfp_{}\"", f.hex(45)),
            format!("value = \"tfp_{}\"", f.hex(39)),
        ],
    ));
    // New Relic license keys: 40 hex, found only under a New Relic name.
    let nr = f.hex(40);
    cases.push(case(
        "new-relic-license-key-named",
        vec![
            (format!("NEW_RELIC_LICENSE_KEY={nr}\n"), nr.clone()),
            (format!("newrelic.license_key = \"{nr}\"\n"), nr.clone()),
            (format!("  new_relic_license_key: '{nr}'\n"), nr.clone()),
        ],
        vec![
            format!("GIT_COMMIT={nr}\n"),
            format!("NEW_RELIC_LICENSE_KEY={}\n", f.hex(39)),
            format!("NEW_RELIC_LICENSE_KEY={}\n", f.hex(41)),
            format!("NEW_RELIC_APP_NAME={nr}\n"),
        ],
    ));
    cases.push(case(
        "heroku-api-key",
        vec![tok(format!("HRKU-{}", g.b64url(60)))],
        vec![format!("value = \"HRKU-{}\"", g.b64url(20))],
    ));
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        g.hex(8),
        g.hex(4),
        g.hex(4),
        g.hex(4),
        g.hex(12)
    );
    cases.push(case(
        "heroku-api-key-legacy",
        vec![(format!("HEROKU_API_KEY={uuid}\n"), uuid.clone())],
        vec![format!("REQUEST_ID={uuid}\n")],
    ));
    let dd = g.hex(32);
    cases.push(case(
        "datadog-api-key",
        vec![(format!("DD_API_KEY={dd}\n"), dd.clone())],
        vec![
            format!("BUILD_HASH={dd}\n"),
            format!("DD_API_KEY={}\n", g.hex(31)),
        ],
    ));
    let dd_app = g.hex(40);
    cases.push(case(
        "datadog-app-key",
        vec![(format!("datadog_app_key: \"{dd_app}\"\n"), dd_app.clone())],
        vec![format!("git_sha: \"{dd_app}\"\n")],
    ));
    let jwt = format!(
        "{}.{}.{}",
        jwt_part(r#"{"alg":"HS256","typ":"JWT"}"#),
        jwt_part(r#"{"sub":"user-42","exp":1900000000}"#),
        g.b64url(43)
    );
    cases.push(case(
        "jwt",
        vec![tok(jwt)],
        vec![format!(
            "value = \"{}.{}.{}\"",
            jwt_part("not json at all"),
            jwt_part(r#"{"sub":"x"}"#),
            g.b64url(43)
        )],
    ));

    // Private keys: the body must be there.
    let rsa = pem("RSA PRIVATE KEY", g, 6);
    let pkcs8 = pem("PRIVATE KEY", g, 6);
    let escaped = pkcs8.trim_end().replace('\n', "\\n");
    cases.push(case(
        "private-key",
        vec![
            (rsa.clone(), rsa.trim_end().to_owned()),
            (pkcs8.clone(), pkcs8.trim_end().to_owned()),
            (
                format!("{{\"private_key\": \"{escaped}\"}}\n"),
                escaped.clone(),
            ),
        ],
        vec![
            "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n".into(),
            "Paste the -----BEGIN PRIVATE KEY----- block here".into(),
        ],
    ));
    let ssh = pem("OPENSSH PRIVATE KEY", g, 7);
    cases.push(case(
        "openssh-private-key",
        vec![(ssh.clone(), ssh.trim_end().to_owned())],
        vec![
            "-----BEGIN OPENSSH PRIVATE KEY-----\n<key>\n-----END OPENSSH PRIVATE KEY-----\n"
                .into(),
        ],
    ));
    let pgp =
        pem("PGP PRIVATE KEY BLOCK", g, 8).replacen("-----\n", "-----\nVersion: GnuPG v2\n\n", 1);
    cases.push(case(
        "pgp-private-key",
        vec![(pgp.clone(), pgp.trim_end().to_owned())],
        vec!["-----BEGIN PGP PRIVATE KEY BLOCK-----\n-----END PGP PRIVATE KEY BLOCK-----\n".into()],
    ));
    cases.push(case(
        "age-secret-key",
        vec![tok(format!(
            "AGE-SECRET-KEY-1{}",
            g.from("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)
        ))],
        vec![format!(
            "value = \"AGE-SECRET-KEY-1{}\"",
            g.from("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 20)
        )],
    ));

    // URLs with passwords.
    let db_pw = g.alnum(16);
    cases.push(case(
        "database-url-password",
        vec![
            (
                format!("DATABASE_URL=postgres://app:{db_pw}@db.internal:5432/app\n"),
                db_pw.clone(),
            ),
            (
                format!("url = \"mongodb+srv://svc:{db_pw}@cluster0.acme-corp.net/db\"\n"),
                db_pw.clone(),
            ),
            (
                format!("engine = create_engine('postgresql+psycopg2://app:{db_pw}@db/app')\n"),
                db_pw.clone(),
            ),
        ],
        vec![
            "DATABASE_URL=postgres://user:password@localhost/db\n".into(),
            "DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app\n".into(),
            "DATABASE_URL=postgres://app@db/app\n".into(),
            "DATABASE_URL=postgres://app:<password>@db/app\n".into(),
        ],
    ));
    let http_pw = g.alnum(20);
    cases.push(case(
        "basic-auth-url",
        vec![(
            format!("git clone https://deploy:{http_pw}@git.acme-corp.io/repo.git\n"),
            http_pw,
        )],
        vec![
            "see https://user:pass@git.acme-corp.io/".into(),
            format!(
                "e.g. https://deploy:{}@git.example.com/repo.git",
                g.alnum(20)
            ),
            "https://example.com/a:b@c".into(),
            "\"input\": \"http://a:b@c:29/d\",".into(),
            // A host list (pydantic's MultiHostUrl tests): `foo:bar` is the
            // credentials, `123,foo:bar` no password.
            "MultiHostUrl('https://foo.com:123,foo:bar@bar.com/path')".into(),
            "https://www.gnu.org/licenses/".into(),
        ],
    ));

    // More providers.
    let simple: Vec<(&'static str, String, String)> = vec![
        (
            "linear-api-key",
            format!("lin_api_{}", g.alnum(40)),
            format!("lin_api_{}", g.alnum(20)),
        ),
        (
            "new-relic-user-api-key",
            format!("NRAK-{}", g.upper_alnum(27)),
            format!("NRAK-{}", g.upper_alnum(10)),
        ),
        (
            "sentry-auth-token",
            format!("sntryu_{}", g.hex(64)),
            format!("sntryu_{}", g.hex(20)),
        ),
        (
            "postman-api-key",
            format!("PMAK-{}-{}", g.hex(24), g.hex(34)),
            format!("PMAK-{}", g.hex(24)),
        ),
        (
            "doppler-token",
            format!("dp.pt.{}", g.alnum(43)),
            format!("dp.pt.{}", g.alnum(10)),
        ),
        (
            "vault-token",
            format!("hvs.{}", g.b64url(95)),
            format!("hvs.{}", g.b64url(24)),
        ),
        (
            "terraform-cloud-token",
            format!("{}.atlasv1.{}", g.alnum(14), g.b64url(67)),
            format!("{}.atlasv1.{}", g.alnum(14), g.b64url(10)),
        ),
        (
            "pulumi-access-token",
            format!("pul-{}", g.hex(40)),
            format!("pul-{}", g.hex(20)),
        ),
        (
            "grafana-token",
            format!("glsa_{}_{}", g.alnum(32), g.hex(8)),
            format!("glsa_{}", g.alnum(32)),
        ),
        (
            "databricks-token",
            format!("dapi{}", g.hex(32)),
            format!("dapi{}", g.hex(16)),
        ),
        (
            "dynatrace-token",
            format!("dt0c01.{}.{}", g.upper_alnum(24), g.upper_alnum(64)),
            format!("dt0c01.{}", g.upper_alnum(24)),
        ),
        (
            "planetscale-token",
            format!("pscale_tkn_{}", g.alnum(43)),
            format!("pscale_tkn_{}", g.alnum(10)),
        ),
        (
            "supabase-token",
            format!("sbp_{}", g.hex(40)),
            format!("sbp_{}", g.hex(20)),
        ),
        (
            "notion-token",
            format!("ntn_{}{}", g.digits(11), g.alnum(35)),
            format!("ntn_{}", g.alnum(20)),
        ),
        (
            "mapbox-secret-token",
            format!("sk.eyJ{}.{}", g.b64url(60), g.b64url(22)),
            format!("pk.eyJ{}.{}", g.b64url(60), g.b64url(22)),
        ),
        (
            "flyio-token",
            format!("fo1_{}", g.b64url(43)),
            format!("fo1_{}", g.b64url(10)),
        ),
        (
            "docker-hub-pat",
            format!("dckr_pat_{}", g.b64url(27)),
            format!("dckr_pat_{}", g.b64url(10)),
        ),
        (
            "netlify-token",
            format!("nfp_{}", g.alnum(36)),
            format!("nfp_{}", g.alnum(20)),
        ),
        (
            "rubygems-api-key",
            format!("rubygems_{}", g.hex(48)),
            format!("rubygems_{}", g.hex(20)),
        ),
        (
            "twitter-bearer-token",
            format!("{}{}", "A".repeat(21), g.alnum(40)),
            "A".repeat(60),
        ),
    ];
    for (rule, good, bad) in simple {
        cases.push(case(
            rule,
            vec![tok(good)],
            vec![format!("value = \"{bad}\"\n")],
        ));
    }

    // Generic: a high-entropy value assigned to a secret-like name.
    let v1 = g.alnum(32);
    let v2 = g.alnum(40);
    let v3 = g.alnum(24);
    let v4 = g.hex(40);
    let mut generic = case(
        "generic-secret",
        vec![
            (format!("api_key = \"{v1}\"\n"), v1.clone()),
            (format!("SECRET_KEY={v2}\n"), v2.clone()),
            (format!("  password: {v3}\n"), v3.clone()),
            (format!("const clientSecret = '{v1}';\n"), v1.clone()),
            (format!("\"auth_token\": \"{v4}\",\n"), v4.clone()),
            (format!("db.Password := \"{v3}\"\n"), v3.clone()),
        ],
        vec![
            "api_key = os.environ[\"API_KEY\"]\n".into(),
            "api_key = os.getenv('API_KEY')\n".into(),
            "const token = process.env.TOKEN;\n".into(),
            "token: ${{ secrets.TOKEN }}\n".into(),
            "SECRET_KEY=${SECRET_KEY}\n".into(),
            "password = \"changeme\"\n".into(),
            "password = \"changeme-please-0000\"\n".into(),
            "api_key = \"<your-api-key>\"\n".into(),
            "api_key = \"xxxxxxxxxxxxxxxxxxxxxxxx\"\n".into(),
            "secret = get_secret_from_vault(name)\n".into(),
            "token = self.tokenizer.next_token\n".into(),
            "    token_type = 'bare-quoted-string'\n".into(),
            format!("token_type = \"{v1}\"\n"),
            "api_key = \"MyServiceApiKeyName\"\n".into(),
            "    \"NextToken\": \"77X1ebypsI7os+X2lhHsZLGNCDK3nNGpwRdFpicSOH==\",\n".into(),
            "    \"PolicyUpdateToken\": \"Zq81mKd0PxT4vRn7Lw2s9YbC\",\n".into(),
            "list_sync_token = \"Zq81mKd0PxT4vRn7Lw2s9YbC\"\n".into(),
            "    \"AWS::IAM::AccessKey\": \"62d91b17309e76c8\",\n".into(),
            "pub const PASSWORD_ID_MAX: DOT11_WPS_DEVICE_PASSWORD_ID = 65535i32;\n".into(),
            "    if( nToken>FTS5_MAX_TOKEN_SIZE ) nToken = FTS5_MAX_TOKEN_SIZE2;\n".into(),
            "    private_key_ops: &p256::PRIVATE_KEY_OPS,\n".into(),
            "    check_private_key_bytes: x25519_check_private_key_bytes,\n".into(),
            "SECRET_MODE=DEFAULT_MODE_2\n".into(),
            "STRING: TokenType = native_token_type.STRING\n".into(),
            "        self.nextTokenState = ATNState.INVALID_STATE_NUMBER\n".into(),
            "  \"PurchaseToken\": \"eyJ2IjoiMSIsInMiOjEsImMiOi...\"\n".into(),
            "  \"token\": \"ACEGmnoq#1rstu2...BDFH3vxwy!4hlm!#5\",\n".into(),
            "secret = \"aaaaaaaabbbbbbbbaaaaaaaabbbbbbbb\"\n".into(),
            "password_file = \"/etc/app/password.txt\"\n".into(),
            "token_url = \"https://auth.example.com/oauth2/token\"\n".into(),
            "SECRET_KEY_LENGTH = 32\n".into(),
            format!("api_key = \"{v1}\"  # keywarden:allow\n"),
            format!("checksum = \"{v4}\"\n"),
            "api_key = f\"{prefix}-{suffix}\"\n".into(),
        ],
    );
    generic.path = "app/settings.py";
    cases.push(generic);

    // Forms each provider documents, beyond the ones above (own generator,
    // so the cases above keep their values).
    let mut g = Gen::new(1414);
    cases.push(case(
        "telegram-bot-token",
        vec![
            // Telegram's BotFather guide: a 9-digit bot id, AA and 32.
            tok(format!("{}:AA{}", g.digits(9), g.b64url(32))),
            tok(format!("{}:AA{}", g.digits(8), g.b64url(33))),
        ],
        vec![
            format!("value = \"{}:AA{}\"", g.digits(9), g.b64url(31)),
            format!("value = \"{}:AA{}\"", g.digits(9), g.b64url(34)),
            format!("value = \"{}:AB{}\"", g.digits(9), g.b64url(33)),
        ],
    ));
    cases.push(case(
        "dynatrace-token",
        vec![
            // dt0s03 (OAuth client), dt0s06 (refresh token), dt0a01: the
            // documented shape, any type letter.
            tok(format!(
                "dt0s03.{}.{}",
                g.upper_alnum(24),
                g.upper_alnum(64)
            )),
            tok(format!(
                "dt0s06.{}.{}",
                g.upper_alnum(24),
                g.upper_alnum(64)
            )),
            tok(format!(
                "dt0a01.{}.{}",
                g.upper_alnum(24),
                g.upper_alnum(64)
            )),
        ],
        vec![
            // Lowercase portions: Dynatrace issues uppercase only.
            format!(
                "value = \"dt0c01.{}.{}\"",
                g.upper_alnum(24).to_lowercase(),
                g.upper_alnum(64).to_lowercase()
            ),
            format!(
                "value = \"dt0c1.{}.{}\"",
                g.upper_alnum(24),
                g.upper_alnum(64)
            ),
            format!(
                "value = \"dt0c01.{}.{}\"",
                g.upper_alnum(23),
                g.upper_alnum(64)
            ),
        ],
    ));
    cases
}

#[test]
fn every_rule_has_positive_and_negative_examples() {
    let s = scanner();
    let cases = cases();
    for rule in s.rules() {
        if matches!(rule.kind, RuleKind::TrackedFile | RuleKind::Pkcs12File) {
            continue; // files: sources::tracked_secrets_files, sources::pkcs12_files
        }
        let c = cases.iter().find(|c| c.rule == rule.id);
        if c.is_none() && crate::samples::SAMPLES.iter().any(|(id, _)| *id == rule.id) {
            continue; // template samples: samples::every_sample_is_found…
        }
        let c = c.unwrap_or_else(|| panic!("no examples for rule {}", rule.id));
        assert!(
            !c.positive.is_empty() && !c.negative.is_empty(),
            "{}",
            rule.id
        );
    }
    for c in &cases {
        assert!(
            s.rules().iter().any(|r| r.id == c.rule),
            "examples for an unknown rule {}",
            c.rule
        );
        for (text, secret) in &c.positive {
            let found = found_in(&s, c.path, text);
            assert!(
                found.iter().any(|(r, sec)| r == c.rule && sec == secret),
                "{}: expected {secret:?} in {text:?}, found {found:?}",
                c.rule
            );
        }
        for text in &c.negative {
            let found = found_in(&s, c.path, text);
            assert!(
                !found.iter().any(|(r, _)| r == c.rule),
                "{}: expected nothing in {text:?}, found {found:?}",
                c.rule
            );
        }
    }
}

#[test]
fn checksum_rules_are_verified_and_others_are_not() {
    let s = scanner();
    let mut g = Gen::new(7);
    let key = keywarden_key("kw", "live", 3);
    let gh = checksummed("ghp_", &mut g);
    let stripe = format!("sk_live_{}", g.alnum(30));
    let text = format!("a = \"{key}\"\nb = \"{gh}\"\nc = \"{stripe}\"\n");
    let m = s.scan("x.py", text.as_bytes());
    assert_eq!(m.len(), 3, "{m:?}");
    let verified: Vec<(String, bool)> = m
        .iter()
        .map(|m| (s.rules()[m.rule].id.clone(), m.verified))
        .collect();
    assert_eq!(
        verified,
        vec![
            ("keywarden-key".to_owned(), true),
            ("github-pat".to_owned(), true),
            ("stripe-live-secret-key".to_owned(), false),
        ]
    );
}

#[test]
fn generic_rule_skips_lock_files_but_specific_rules_do_not() {
    let s = scanner();
    let mut g = Gen::new(11);
    let value = g.alnum(40);
    let text = format!("token = \"{value}\"\n");
    assert_eq!(found_in(&s, "config.toml", &text).len(), 1);
    assert!(found_in(&s, "poetry.lock", &text).is_empty());
    let gh = checksummed("ghp_", &mut g);
    let lock = format!("resolved \"https://x:{gh}@npm.example.com/a.tgz\"\n");
    let found = found_in(&s, "yarn.lock", &lock);
    assert!(found.iter().any(|(r, _)| r == "github-pat"), "{found:?}");
}

#[test]
fn bad_checksum_keywarden_key_is_no_finding_even_for_generic() {
    let s = scanner();
    let mut key = keywarden_key("kw", "live", 77);
    key.pop();
    key.push('!');
    key.pop();
    key.push(if key.ends_with('a') { 'b' } else { 'a' });
    for text in [
        format!("KEYWARDEN_TOKEN={key}\n"),
        format!("api_key = \"{key}\"\n"),
    ] {
        assert!(found_in(&s, ".env", &text).is_empty(), "{text}");
    }
}

#[test]
fn secrets_file_names() {
    for yes in [
        ".env",
        "deploy/.env.production",
        "id_ed25519",
        "certs/client.p12",
    ] {
        assert!(rules::is_secrets_file(yes), "{yes}");
    }
    for no in [".env.example", "src/env.rs", "id_ed25519.pub", "README.md"] {
        assert!(!rules::is_secrets_file(no), "{no}");
    }
}
