//! Provider rules added for coverage (issue 14), each written from the
//! provider's own documentation of its token format: a fixed prefix where
//! the provider issues one, otherwise the documented length and alphabet
//! next to the provider's name (`named!`), which keeps look-alikes of other
//! providers and random identifiers out.

use super::{Spec, in_paths, multiline, spec};
use crate::finding::Severity::{Critical, High, Low, Medium};
use crate::validate::Check;

/// A UUID (8-4-4-4-12 lowercase hex), for formats that are one.
macro_rules! uuid {
    () => {
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    };
}

/// A secret recognisable only next to its provider's name:
/// `<name>…<key|token|secret|…> = <value>` (or `:`, `:=`, `=>`, a function
/// argument after `,`), in code, configuration and `.env` files. `$names` is
/// a regex alternation of the provider's names (case ignored); the keywords
/// are those names, looked for in their usual case variants; `$value` is the
/// secret's documented shape, matched whole.
macro_rules! named {
    ($id:literal, $provider:literal, $desc:literal, $sev:expr, [$($kw:literal),+], $names:literal, $value:expr) => {
        Spec {
            named: true,
            check: Check::Entropy(3.0),
            ..spec(
                $id,
                $provider,
                $desc,
                $sev,
                &[$($kw),+],
                concat!(
                    r#"(?P<name>(?i:(?:"#,
                    $names,
                    r#")[0-9a-z_.-]{0,24}?(?:key|token|secret|passw(?:or)?d|pat|auth|credential|sid)s?[0-9a-z_]{0,12}))["'\]]?[ \t]*(?::=|=>|=|:|,)[ \t]*["'`]?(?P<secret>"#,
                    $value,
                    r#")(?:[^0-9A-Za-z_+/=.-]|$)"#
                ),
            )
        }
    };
}

/// Closing boundary for tokens whose alphabet holds `-` and `_`.
macro_rules! end {
    () => {
        r"(?:[^0-9A-Za-z_-]|$)"
    };
}

pub(super) const SPECS: &[Spec] = &[
    // Cloudflare: API tokens are 40 characters of [A-Za-z0-9_-], the Global
    // API key 37 lowercase hex, both without a prefix; Origin CA keys are
    // `v1.0-` + 24 hex + `-` + 146 hex.
    named!(
        "cloudflare-api-token",
        "Cloudflare",
        "Cloudflare API token next to a Cloudflare name",
        High,
        ["cloudflare", "cf_api", "cf_token"],
        "cloudflare|cf",
        "[0-9A-Za-z_-]{40}"
    ),
    named!(
        "cloudflare-global-api-key",
        "Cloudflare",
        "Cloudflare Global API key next to a Cloudflare name",
        Critical,
        ["cloudflare", "cf_api", "cf_key", "x-auth-key", "X-Auth-Key"],
        "cloudflare|cf|x-auth",
        "[0-9a-f]{37}"
    ),
    spec(
        "cloudflare-origin-ca-key",
        "Cloudflare",
        "Cloudflare Origin CA key",
        High,
        &["v1.0-"],
        r"\b(?P<secret>v1\.0-[0-9a-f]{24}-[0-9a-f]{146})\b",
    ),
    // JFrog Artifactory: API keys `AKCp` + 69; reference (identity) tokens
    // are base64 of `reftkn:01:…`, 64 characters.
    spec(
        "jfrog-api-key",
        "JFrog Artifactory",
        "JFrog Artifactory API key",
        High,
        &["AKCp"],
        r"\b(?P<secret>AKCp[0-9A-Za-z]{69})\b",
    ),
    spec(
        "jfrog-reference-token",
        "JFrog Artifactory",
        "JFrog Artifactory reference (identity) token",
        High,
        &["cmVmdGtuOjAxOj"],
        r"\b(?P<secret>cmVmdGtuOjAxOj[0-9A-Za-z]{50})\b",
    ),
    // Alibaba Cloud: AccessKey IDs begin `LTAI`; the secret is 30 alphanumerics.
    spec(
        "alibaba-access-key-id",
        "Alibaba Cloud",
        "Alibaba Cloud AccessKey ID",
        High,
        &["LTAI"],
        r"\b(?P<secret>LTAI[0-9A-Za-z]{12,20})\b",
    ),
    named!(
        "alibaba-access-key-secret",
        "Alibaba Cloud",
        "Alibaba Cloud AccessKey secret next to an Alibaba name",
        Critical,
        ["alibaba", "aliyun", "alicloud"],
        "alibaba|aliyun|alicloud",
        "[0-9A-Za-z]{30}"
    ),
    // Airtable: personal access tokens `pat` + 14 + `.` + 64 hex; legacy API keys `key` + 14.
    spec(
        "airtable-pat",
        "Airtable",
        "Airtable personal access token",
        High,
        &["airtable", "Airtable", "AIRTABLE", "Bearer pat"],
        r"(?:(?i:airtable)[^\n]{0,80}?|Bearer )\b(?P<secret>pat[0-9A-Za-z]{14}\.[0-9a-f]{64})\b",
    ),
    named!(
        "airtable-api-key",
        "Airtable",
        "Airtable legacy API key next to an Airtable name",
        High,
        ["airtable"],
        "airtable",
        "key[0-9A-Za-z]{14}"
    ),
    // Dropbox: short-lived access tokens `sl.` (or `sl.u.`) and a long
    // base64url body; long-lived tokens 11 + `AAAAAAAAAA` + 43.
    spec(
        "dropbox-short-lived-token",
        "Dropbox",
        "Dropbox short-lived access token",
        High,
        &["sl.u.", "sl.A", "sl.B", "sl.C"],
        concat!(r"\b(?P<secret>sl\.(?:u\.)?[0-9A-Za-z_-]{130,})", end!()),
    ),
    named!(
        "dropbox-long-lived-token",
        "Dropbox",
        "Dropbox long-lived access token next to a Dropbox name",
        High,
        ["dropbox"],
        "dropbox",
        "[0-9A-Za-z]{11}AAAAAAAAAA[0-9A-Za-z_-]{43}"
    ),
    // Meta (Facebook): access tokens begin `EAA` and run 100 characters and
    // more (Square's `EAAA` tokens are exactly 64); app secrets are 32 hex.
    spec(
        "facebook-access-token",
        "Meta (Facebook)",
        "Meta (Facebook) Graph API access token",
        High,
        &["EAA"],
        r"(?:^|[^0-9A-Za-z+/])(?P<secret>EAA[0-9A-Za-z]{97,300})(?:[^0-9A-Za-z+/=]|$)",
    ),
    named!(
        "facebook-app-secret",
        "Meta (Facebook)",
        "Meta (Facebook) app secret next to a Facebook name",
        High,
        ["facebook", "fb_app", "fb_secret", "fb_client"],
        "facebook|fb",
        "[0-9a-f]{32}"
    ),
    spec(
        "instagram-access-token",
        "Instagram",
        "Instagram Basic Display access token",
        High,
        &["IGQV"],
        concat!(r"\b(?P<secret>IGQV[0-9A-Za-z_-]{100,})", end!()),
    ),
    // Flutterwave: `FLWSECK-` / `FLWSECK_TEST-` + 32 hex + `-X`; encryption keys `FLWSECK_TEST` + 12 hex.
    spec(
        "flutterwave-secret-key",
        "Flutterwave",
        "Flutterwave secret key",
        High,
        &["FLWSECK"],
        concat!(r"\b(?P<secret>FLWSECK(?:_TEST)?-[0-9a-fA-F]{32}-X)", end!()),
    ),
    spec(
        "flutterwave-encryption-key",
        "Flutterwave",
        "Flutterwave encryption key",
        High,
        &["FLWSECK"],
        r"\b(?P<secret>FLWSECK(?:_TEST)?[0-9a-fA-F]{12})\b",
    ),
    // Plaid: access tokens `access-<environment>-<uuid>`; secrets 30 hex.
    spec(
        "plaid-access-token",
        "Plaid",
        "Plaid access token",
        High,
        &[
            "access-sandbox-",
            "access-development-",
            "access-production-",
        ],
        concat!(
            r"\b(?P<secret>access-(?:sandbox|development|production)-",
            uuid!(),
            r")\b"
        ),
    ),
    named!(
        "plaid-secret",
        "Plaid",
        "Plaid API secret next to a Plaid name",
        High,
        ["plaid"],
        "plaid",
        "[0-9a-f]{30}"
    ),
    // Yandex Cloud: API keys `AQVN`; OAuth tokens `y0_`…`y3_` + 55; static access key secrets `YC` + 38.
    spec(
        "yandex-api-key",
        "Yandex",
        "Yandex Cloud API key",
        High,
        &["AQVN"],
        concat!(r"\b(?P<secret>AQVN[0-9A-Za-z_-]{35,38})", end!()),
    ),
    spec(
        "yandex-oauth-token",
        "Yandex",
        "Yandex OAuth token",
        High,
        &["y0_", "y1_", "y2_", "y3_"],
        concat!(r"\b(?P<secret>y[0-3]_[0-9A-Za-z_-]{55})", end!()),
    ),
    named!(
        "yandex-access-key-secret",
        "Yandex",
        "Yandex Cloud static access key secret next to a Yandex name",
        High,
        ["yandex", "yc_"],
        "yandex|yc",
        "YC[0-9A-Za-z_-]{38}"
    ),
    // Asana personal access tokens: `0/` + 32 hex (legacy), `1/<user>:<32 hex>`, `2/<user>/<app>:<32 hex>`.
    named!(
        "asana-pat",
        "Asana",
        "Asana personal access token next to an Asana name",
        High,
        ["asana"],
        "asana",
        "[12]/[0-9]{10,20}(?:/[0-9]{10,20})?:[0-9a-f]{32}|0/[0-9a-f]{32}"
    ),
    named!(
        "sendbird-api-token",
        "Sendbird",
        "Sendbird API token next to a Sendbird name",
        High,
        ["sendbird"],
        "sendbird",
        "[0-9a-f]{40}"
    ),
    // Adobe: OAuth client secrets begin `p8e-`.
    spec(
        "adobe-client-secret",
        "Adobe",
        "Adobe OAuth client secret",
        High,
        &["p8e-"],
        concat!(r"\b(?P<secret>p8e-[0-9A-Za-z_-]{32})", end!()),
    ),
    // Atlassian: API tokens `ATATT3xFfGF0…`, Bitbucket app passwords `ATBB` +
    // 32, Bitbucket access tokens `ATCTT3xFfGN0…`; each ends in a checksum.
    spec(
        "atlassian-api-token",
        "Atlassian (Jira, Confluence)",
        "Atlassian API token",
        High,
        &["ATATT3"],
        concat!(r"\b(?P<secret>ATATT3[0-9A-Za-z_=-]{150,250})", end!()),
    ),
    named!(
        "atlassian-api-token-legacy",
        "Atlassian (Jira, Confluence)",
        "Atlassian legacy API token next to a Jira or Confluence name",
        High,
        ["atlassian", "jira", "confluence"],
        "atlassian|jira|confluence",
        "[0-9A-Za-z]{24}"
    ),
    spec(
        "bitbucket-app-password",
        "Bitbucket",
        "Bitbucket app password",
        High,
        &["ATBB"],
        r"\b(?P<secret>ATBB[0-9A-Za-z]{32})\b",
    ),
    spec(
        "bitbucket-access-token",
        "Bitbucket",
        "Bitbucket repository, project or workspace access token",
        High,
        &["ATCTT3"],
        concat!(r"\b(?P<secret>ATCTT3[0-9A-Za-z_=-]{150,250})", end!()),
    ),
    named!(
        "confluent-api-secret",
        "Confluent",
        "Confluent Cloud API secret next to a Confluent name",
        High,
        ["confluent", "ccloud", "kafka_api"],
        "confluent|ccloud|kafka_api",
        "[0-9A-Za-z+/]{64}"
    ),
    named!(
        "kucoin-api-secret",
        "KuCoin",
        "KuCoin API key or secret next to a KuCoin name",
        High,
        ["kucoin"],
        "kucoin",
        concat!("[0-9a-f]{24}|", uuid!())
    ),
    // Lob: `live_`/`test_` + 35 hex (secret), `live_pub_`/`test_pub_` + 31 hex.
    named!(
        "lob-api-key",
        "Lob",
        "Lob API key next to a Lob name",
        High,
        [
            "lob_",
            "lob-",
            "lobApi",
            "lobKey",
            "lobPublishable",
            "lobSecret",
            "lob.",
            "lob("
        ],
        "lob",
        "(?:live|test)_(?:[0-9a-f]{35}|pub_[0-9a-f]{31})"
    ),
    named!(
        "messagebird-api-key",
        "MessageBird",
        "MessageBird (Bird) API key next to a MessageBird name",
        High,
        ["messagebird", "message_bird"],
        "messagebird|message_bird",
        "[0-9A-Za-z]{25}"
    ),
    named!(
        "sumologic-access-key",
        "Sumo Logic",
        "Sumo Logic access key next to a Sumo Logic name",
        High,
        ["sumo"],
        "sumo",
        "[0-9A-Za-z]{64}"
    ),
    // Sourcegraph `sgp_` + 40 hex (optionally after a 16-hex instance id or
    // `local_`); Segment `sgp_` + 64 alphanumerics: the same prefix, told
    // apart by length and alphabet.
    spec(
        "sourcegraph-access-token",
        "Sourcegraph",
        "Sourcegraph access token",
        High,
        &["sgp_"],
        r"\b(?P<secret>sgp_(?:[0-9a-f]{16}_|local_)?[0-9a-f]{40})\b",
    ),
    spec(
        "segment-public-api-token",
        "Segment",
        "Segment public API token",
        High,
        &["sgp_"],
        r"\b(?P<secret>sgp_[0-9A-Za-z]{64})\b",
    ),
    named!(
        "okta-api-token",
        "Okta",
        "Okta API token next to an Okta name",
        High,
        ["okta"],
        "okta",
        "00[0-9A-Za-z_-]{40}"
    ),
    named!(
        "auth0-client-secret",
        "Auth0",
        "Auth0 client secret next to an Auth0 name",
        High,
        ["auth0"],
        "auth0",
        "[0-9A-Za-z_-]{64}"
    ),
    spec(
        "contentful-pat",
        "Contentful",
        "Contentful personal access token",
        High,
        &["CFPAT-"],
        concat!(r"\b(?P<secret>CFPAT-[0-9A-Za-z_-]{43})", end!()),
    ),
    named!(
        "contentful-delivery-token",
        "Contentful",
        "Contentful delivery or preview token next to a Contentful name",
        Medium,
        ["contentful"],
        "contentful",
        "[0-9A-Za-z_-]{43}"
    ),
    spec(
        "figma-pat",
        "Figma",
        "Figma personal access token",
        High,
        &["figd_"],
        concat!(r"\b(?P<secret>figd_[0-9A-Za-z_-]{40})", end!()),
    ),
    named!(
        "fastly-api-token",
        "Fastly",
        "Fastly API token next to a Fastly name",
        High,
        ["fastly"],
        "fastly",
        "[0-9A-Za-z_-]{32}"
    ),
    named!(
        "snyk-api-token",
        "Snyk",
        "Snyk API token next to a Snyk name",
        High,
        ["snyk"],
        "snyk",
        uuid!()
    ),
    spec(
        "circleci-token",
        "CircleCI",
        "CircleCI personal or project API token",
        High,
        &["CCIPAT_", "CCIPRJ_"],
        r"\b(?P<secret>CCIP(?:AT|RJ)_[0-9A-Za-z]{22}_[0-9a-f]{40})\b",
    ),
    named!(
        "circleci-token-legacy",
        "CircleCI",
        "CircleCI legacy API token next to a CircleCI name",
        High,
        ["circleci", "circle_token", "circle_ci"],
        "circle_?ci|circle",
        "[0-9a-f]{40}"
    ),
    named!(
        "travisci-token",
        "Travis CI",
        "Travis CI API token next to a Travis name",
        High,
        ["travis"],
        "travis",
        "[0-9A-Za-z_-]{22}"
    ),
    spec(
        "buildkite-api-token",
        "Buildkite",
        "Buildkite user API access token",
        High,
        &["bkua_"],
        r"\b(?P<secret>bkua_[0-9a-f]{40})\b",
    ),
    named!(
        "buildkite-agent-token",
        "Buildkite",
        "Buildkite agent token next to a Buildkite name",
        High,
        ["buildkite"],
        "buildkite",
        "[0-9a-f]{50}"
    ),
    named!(
        "bitly-access-token",
        "Bitly",
        "Bitly access token next to a Bitly name",
        Medium,
        ["bitly"],
        "bitly",
        "[0-9a-f]{40}"
    ),
    named!(
        "algolia-api-key",
        "Algolia",
        "Algolia admin or write API key next to an Algolia name",
        High,
        ["algolia"],
        "algolia",
        "[0-9a-f]{32}"
    ),
    // Intercom access tokens are base64 of `tok:…`.
    spec(
        "intercom-access-token",
        "Intercom",
        "Intercom access token",
        High,
        &["dG9rOj"],
        r"\b(?P<secret>dG9rOj[0-9A-Za-z_+/-]{50,60}={0,2})(?:[^0-9A-Za-z_+/=-]|$)",
    ),
    named!(
        "zendesk-api-token",
        "Zendesk",
        "Zendesk API token next to a Zendesk name",
        High,
        ["zendesk"],
        "zendesk",
        "[0-9A-Za-z]{40}"
    ),
    // HubSpot private app tokens: `pat-<region>-<uuid>`; legacy API keys are UUIDs.
    spec(
        "hubspot-private-app-token",
        "HubSpot",
        "HubSpot private app access token",
        High,
        &["pat-na", "pat-eu", "pat-ap"],
        concat!(r"\b(?P<secret>pat-(?:na|eu|ap)[0-9]-", uuid!(), r")\b"),
    ),
    named!(
        "hubspot-api-key",
        "HubSpot",
        "HubSpot legacy API key next to a HubSpot name",
        High,
        ["hubspot", "hapikey"],
        "hubspot|hapi",
        uuid!()
    ),
    named!(
        "mixpanel-secret",
        "Mixpanel",
        "Mixpanel API or service account secret next to a Mixpanel name",
        Medium,
        ["mixpanel"],
        "mixpanel",
        "[0-9A-Za-z]{32}"
    ),
    named!(
        "amplitude-api-key",
        "Amplitude",
        "Amplitude API or secret key next to an Amplitude name",
        Medium,
        ["amplitude"],
        "amplitude",
        "[0-9a-f]{32}"
    ),
    named!(
        "coinbase-api-secret",
        "Coinbase",
        "Coinbase API key or secret next to a Coinbase name",
        Critical,
        ["coinbase"],
        "coinbase",
        "[0-9A-Za-z]{32}|[0-9A-Za-z]{16}"
    ),
    named!(
        "kraken-api-secret",
        "Kraken",
        "Kraken API key or private key next to a Kraken name",
        Critical,
        ["kraken"],
        "kraken",
        "[0-9A-Za-z+/]{86}==|[0-9A-Za-z+/]{56}"
    ),
    spec(
        "frameio-api-token",
        "Frame.io",
        "Frame.io developer token",
        High,
        &["fio-u-"],
        concat!(r"\b(?P<secret>fio-u-[0-9A-Za-z_=-]{64})", end!()),
    ),
    // Typeform personal access tokens begin `tfp_`. Typeform's own guide
    // (developer.typeform.com, "Personal access token") shows `tfp_` + 40
    // lowercase hex; the longer form (50 to 64 of [0-9A-Za-z_.=-]) stays.
    spec(
        "typeform-pat",
        "Typeform",
        "Typeform personal access token",
        High,
        &["tfp_"],
        concat!(
            r"\b(?P<secret>tfp_(?:[0-9a-f]{40}|[0-9A-Za-z_.=-]{50,64}))",
            end!()
        ),
    ),
    // HashiCorp Vault tokens before 1.10: `s.` (service) and `b.` (batch) + 24.
    named!(
        "vault-token-legacy",
        "HashiCorp Vault",
        "HashiCorp Vault legacy service or batch token next to a Vault name",
        High,
        ["vault"],
        "vault",
        "[sb]\\.[0-9A-Za-z]{24}"
    ),
    // Kubernetes Secret manifests: a value under `data:` or `stringData:` in
    // a document of `kind: Secret` (either order: kubectl prints `data`
    // first).
    Spec {
        check: Check::KubernetesSecret,
        ..multiline(spec(
            "kubernetes-secret",
            "Kubernetes",
            "Value of a Kubernetes Secret manifest (data or stringData)",
            High,
            &["kind: Secret", "\ndata:\n", "\ndata:\r\n", "stringData:"],
            r#"(?:kind:[ \t]*["']?Secret\b[\s\S]{0,4000}?\n)?[ \t]*(?:data|stringData):[ \t]*\r?\n(?:[ \t]+#[^\n]*\n)*[ \t]+[0-9A-Za-z_.-]+:[ \t]*["']?(?P<secret>[^\s"'#|>]{6,})["']?[ \t]*(?:\r?\n|$)(?:[\s\S]{0,4000}?kind:[ \t]*["']?Secret\b)?"#,
        ))
    },
    spec(
        "kubeconfig-client-key",
        "Kubernetes",
        "Client private key in a kubeconfig",
        Critical,
        &["client-key-data:"],
        r"client-key-data:[ \t]*(?P<secret>[A-Za-z0-9+/]{40,}={0,2})",
    ),
    // curl command lines: `-u user:password`, `--user`, and credential headers.
    Spec {
        check: Check::Password,
        ..spec(
            "curl-basic-auth",
            "curl",
            "Password in a curl command line (-u user:password)",
            High,
            &["curl ", "--user", "-u "],
            // On curl's line, or a continuation line of it (`curl … \` then
            // `  -u user:password`); `--user=` and `-uuser:` too.
            r#"(?m)(?:\bcurl\b[^\n]*?[ \t]|^[ \t]*)(?:-u|--user)=?[ \t]*["']?[^\s:"'$=-][^\s:"'$]*:(?P<secret>[^\s"'@]+)"#,
        )
    },
    Spec {
        check: Check::Entropy(3.0),
        ..spec(
            "curl-auth-header",
            "curl",
            "Credential in a curl command line header (Authorization, X-API-Key)",
            High,
            &["curl ", "-H \"", "-H '", "--header"],
            r#"(?m)(?:\bcurl\b[^\n]*?|^[ \t]*)(?:-H|--header)[ \t]*["'](?i:authorization:[ \t]*(?:bearer|basic|token|apikey)|x-api-key:|api-key:|x-auth-token:)[ \t]*(?P<secret>[0-9A-Za-z._~+/=-]{16,})"#,
        )
    },
    // Terraform: a password or secret as a string literal in a .tf file.
    Spec {
        check: Check::Password,
        named: false,
        ..in_paths(
            spec(
                "terraform-password",
                "Terraform",
                "Password or secret as a literal in a Terraform file",
                High,
                &["password", "secret", "PASSWORD", "Password"],
                r#"(?m)^[ \t]*(?P<name>[0-9A-Za-z_]*(?i:password|secret)[0-9A-Za-z_]*)[ \t]*=[ \t]*"(?P<secret>[^"$\s{}]{6,})""#,
            ),
            r"\.tf(?:vars)?$",
        )
    },
    // GitLab's other token kinds (docs "Token overview": prefixes).
    spec(
        "gitlab-feed-token",
        "GitLab",
        "GitLab feed token",
        Medium,
        &["glft-"],
        concat!(r"\b(?P<secret>glft-[0-9A-Za-z_-]{20})", end!()),
    ),
    spec(
        "gitlab-incoming-mail-token",
        "GitLab",
        "GitLab incoming mail token",
        Medium,
        &["glimt-"],
        concat!(r"\b(?P<secret>glimt-[0-9A-Za-z_-]{25})", end!()),
    ),
    spec(
        "gitlab-ci-job-token",
        "GitLab",
        "GitLab CI/CD job token",
        High,
        &["glcbt-"],
        concat!(
            r"\b(?P<secret>glcbt-(?:[0-9a-fA-F]{1,5}_)?[0-9A-Za-z_-]{20})",
            end!()
        ),
    ),
    spec(
        "gitlab-scim-token",
        "GitLab",
        "GitLab SCIM token",
        High,
        &["glsoat-"],
        concat!(r"\b(?P<secret>glsoat-[0-9A-Za-z_-]{20})", end!()),
    ),
    spec(
        "gitlab-kubernetes-agent-token",
        "GitLab",
        "GitLab agent for Kubernetes token",
        High,
        &["glagent-"],
        concat!(r"\b(?P<secret>glagent-[0-9A-Za-z_-]{50})", end!()),
    ),
    spec(
        "gitlab-oauth-app-secret",
        "GitLab",
        "GitLab OAuth application secret",
        High,
        &["gloas-"],
        concat!(r"\b(?P<secret>gloas-[0-9A-Za-z_-]{64})", end!()),
    ),
    spec(
        "gitlab-feature-flags-token",
        "GitLab",
        "GitLab feature flags client token",
        Medium,
        &["glffct-"],
        concat!(r"\b(?P<secret>glffct-[0-9A-Za-z_-]{20})", end!()),
    ),
    spec(
        "gitlab-runner-registration-token",
        "GitLab",
        "GitLab runner registration token",
        High,
        &["GR1348941"],
        concat!(r"\b(?P<secret>GR1348941[0-9A-Za-z_-]{20})", end!()),
    ),
    // Slack: legacy tokens (xoxa-, xoxo-, xoxr-, xoxs-), configuration
    // tokens (xoxe.xoxp-1-, xoxe.xoxb-1-) and their refresh tokens (xoxe-1-).
    Spec {
        check: Check::Entropy(3.0),
        ..spec(
            "slack-legacy-token",
            "Slack",
            "Slack legacy token",
            High,
            &["xoxa-", "xoxo-", "xoxr-", "xoxs-"],
            r"\b(?P<secret>xox[aors]-(?:2-)?[0-9]{8,14}-[0-9]{8,14}-[0-9]{8,14}-[0-9a-f]{32,64})\b",
        )
    },
    spec(
        "slack-config-token",
        "Slack",
        "Slack app configuration access or refresh token",
        High,
        &["xoxe.xox", "xoxe-1-"],
        r"\b(?P<secret>xoxe\.xox[bp]-1-[0-9A-Za-z]{140,180}|xoxe-1-[0-9A-Za-z]{140,160})\b",
    ),
    // X (Twitter) OAuth 1.0a: access tokens `<user id>-<40>`, consumer keys 25, secrets 50.
    named!(
        "twitter-access-token",
        "X (Twitter)",
        "X (Twitter) OAuth access token next to a Twitter name",
        High,
        ["twitter"],
        "twitter|tw",
        "[0-9]{6,20}-[0-9A-Za-z]{40}"
    ),
    named!(
        "twitter-consumer-secret",
        "X (Twitter)",
        "X (Twitter) API key or secret next to a Twitter name",
        High,
        ["twitter"],
        "twitter|tw",
        "[0-9A-Za-z]{50}|[0-9A-Za-z]{25}"
    ),
    // Azure Storage account keys (64 bytes, base64) outside connection
    // strings: next to an account-key name, as YAML, JSON, Kubernetes values or CLI flags.
    spec(
        "azure-storage-account-key",
        "Azure",
        "Azure Storage account key next to an account-key name",
        Critical,
        &[
            "account-key",
            "account_key",
            "accountKey",
            "AccountKey",
            "ACCOUNT_KEY",
            "storage-key",
            "storage_key",
            "storageKey",
            "StorageKey",
            "STORAGE_KEY",
            "accountkey",
            "ACCOUNTKEY",
        ],
        r#"(?i:account[_-]?key|storage[_-]?(?:account[_-]?)?key)["'\]]?(?:[ \t]*(?::=|=>|=|:|,)[ \t]*|[ \t]+)["'`]?(?P<secret>[A-Za-z0-9+/]{86}==)"#,
    ),
    spec(
        "azure-sas-token",
        "Azure",
        "Azure shared access signature (sig=) in a SAS URL or token",
        High,
        &["sig="],
        r"\bsv=[0-9]{4}-[0-9]{2}-[0-9]{2}&[^\s'<>]*?\bsig=(?P<secret>[0-9A-Za-z%+/]{40,120}(?:%3[dD]|=)?)",
    ),
    spec(
        "azure-shared-access-key",
        "Azure",
        "Azure Service Bus / Event Hubs shared access key",
        High,
        &["SharedAccessKey="],
        r"SharedAccessKey=(?P<secret>[0-9A-Za-z+/]{43}=)",
    ),
    spec(
        "azure-app-configuration-connection-string",
        "Azure",
        "Azure App Configuration connection string secret",
        High,
        &[".azconfig.io"],
        r"Endpoint=https://[0-9A-Za-z.-]+\.azconfig\.io;Id=[^;\s]+;Secret=(?P<secret>[0-9A-Za-z+/]{43}=)",
    ),
    named!(
        "azure-openai-api-key",
        "Azure OpenAI",
        "Azure OpenAI API key next to an Azure OpenAI name",
        High,
        ["azure_openai", "azure-openai", "azureopenai", "aoai"],
        "azure[_-]?openai|aoai",
        "[0-9a-f]{32}"
    ),
    named!(
        "azure-devops-pat",
        "Azure DevOps",
        "Azure DevOps personal access token next to an Azure DevOps name",
        High,
        ["azure_devops", "azure-devops", "azdo", "ado_pat"],
        "azure[_-]?devops|azdo|ado",
        "[a-z2-7]{52}"
    ),
    // Google Cloud.
    spec(
        "gcp-service-account-key",
        "Google Cloud",
        "Google Cloud service account key file (private_key_id)",
        Critical,
        &["\"private_key_id\""],
        r#""private_key_id"[ \t]*:[ \t]*"(?P<secret>[0-9a-f]{40})""#,
    ),
    spec(
        "google-oauth-access-token",
        "Google Cloud",
        "Google OAuth 2.0 access token",
        High,
        &["ya29."],
        concat!(r"\b(?P<secret>ya29\.[0-9A-Za-z_-]{100,})", end!()),
    ),
    spec(
        "google-oauth-refresh-token",
        "Google Cloud",
        "Google OAuth 2.0 refresh token",
        High,
        &["1//0"],
        concat!(r"\b(?P<secret>1//0[0-9A-Za-z_-]{60,})", end!()),
    ),
    spec(
        "firebase-cloud-messaging-server-key",
        "Firebase",
        "Firebase Cloud Messaging legacy server key",
        High,
        &[":APA91b"],
        concat!(
            r"\b(?P<secret>AAAA[0-9A-Za-z_-]{7}:APA91b[0-9A-Za-z_-]{134})",
            end!()
        ),
    ),
    // Amazon: MWS auth tokens and Login with Amazon client secrets.
    spec(
        "amazon-mws-auth-token",
        "Amazon",
        "Amazon Marketplace Web Service auth token",
        High,
        &["amzn.mws."],
        concat!(r"\b(?P<secret>amzn\.mws\.", uuid!(), r")\b"),
    ),
    spec(
        "amazon-lwa-client-secret",
        "Amazon",
        "Login with Amazon client secret",
        High,
        &["amzn1.oa2-cs.v1."],
        r"\b(?P<secret>amzn1\.oa2-cs\.v1\.[0-9a-f]{64})\b",
    ),
    // Prefixed tokens of more providers.
    spec(
        "shippo-api-token",
        "Shippo",
        "Shippo API token",
        High,
        &["shippo_live_", "shippo_test_"],
        r"\b(?P<secret>shippo_(?:live|test)_[0-9a-f]{40})\b",
    ),
    spec(
        "easypost-api-key",
        "EasyPost",
        "EasyPost API key",
        High,
        &["EZAK", "EZTK"],
        r"\b(?P<secret>EZ[AT]K[0-9A-Za-z]{54})\b",
    ),
    spec(
        "duffel-api-token",
        "Duffel",
        "Duffel API token",
        High,
        &["duffel_live_", "duffel_test_"],
        concat!(
            r"\b(?P<secret>duffel_(?:live|test)_[0-9A-Za-z_=-]{43})",
            end!()
        ),
    ),
    spec(
        "readme-api-key",
        "ReadMe",
        "ReadMe API key",
        High,
        &["rdme_"],
        r"\b(?P<secret>rdme_[0-9a-z]{70})\b",
    ),
    spec(
        "prefect-api-key",
        "Prefect",
        "Prefect API key",
        High,
        &["pnu_"],
        r"\b(?P<secret>pnu_[0-9A-Za-z]{36})\b",
    ),
    spec(
        "scalingo-api-token",
        "Scalingo",
        "Scalingo API token",
        High,
        &["tk-us-"],
        concat!(r"\b(?P<secret>tk-us-[0-9A-Za-z_-]{48})", end!()),
    ),
    spec(
        "clojars-api-token",
        "Clojars",
        "Clojars deploy token",
        High,
        &["CLOJARS_"],
        r"\b(?P<secret>CLOJARS_[0-9a-z]{60})\b",
    ),
    spec(
        "infracost-api-key",
        "Infracost",
        "Infracost API key",
        High,
        &["ico-"],
        r"\b(?P<secret>ico-[0-9A-Za-z]{32})\b",
    ),
    spec(
        "harness-pat",
        "Harness",
        "Harness personal access or service account token",
        High,
        &["pat.", "sat."],
        r"\b(?P<secret>(?:pat|sat)\.[0-9A-Za-z_-]{22}\.[0-9a-f]{24}\.[0-9A-Za-z]{20})\b",
    ),
    Spec {
        check: Check::Entropy(3.0),
        ..spec(
            "octopus-deploy-api-key",
            "Octopus Deploy",
            "Octopus Deploy API key",
            High,
            &["API-"],
            r"\b(?P<secret>API-[0-9A-Z]{26,32})\b",
        )
    },
    spec(
        "openshift-user-token",
        "OpenShift",
        "OpenShift user OAuth access token",
        High,
        &["sha256~"],
        concat!(r"\b(?P<secret>sha256~[0-9A-Za-z_-]{43})", end!()),
    ),
    spec(
        "tailscale-key",
        "Tailscale",
        "Tailscale API, auth or OAuth client key",
        High,
        &["tskey-"],
        r"\b(?P<secret>tskey-(?:api|auth|client|webhook|scim)-[0-9A-Za-z]{8,20}-[0-9A-Za-z]{20,40})\b",
    ),
    spec(
        "replicate-api-token",
        "Replicate",
        "Replicate API token",
        High,
        &["r8_"],
        r"\b(?P<secret>r8_[0-9A-Za-z]{37})\b",
    ),
    spec(
        "groq-api-key",
        "Groq",
        "Groq API key",
        High,
        &["gsk_"],
        r"\b(?P<secret>gsk_[0-9A-Za-z]{52})\b",
    ),
    spec(
        "perplexity-api-key",
        "Perplexity",
        "Perplexity API key",
        High,
        &["pplx-"],
        r"\b(?P<secret>pplx-[0-9A-Za-z]{48})\b",
    ),
    spec(
        "xai-api-key",
        "xAI",
        "xAI (Grok) API key",
        High,
        &["xai-"],
        r"\b(?P<secret>xai-[0-9A-Za-z]{80})\b",
    ),
    spec(
        "openrouter-api-key",
        "OpenRouter",
        "OpenRouter API key",
        High,
        &["sk-or-v1-"],
        r"\b(?P<secret>sk-or-v1-[0-9a-f]{64})\b",
    ),
    spec(
        "langsmith-api-key",
        "LangSmith",
        "LangSmith (LangChain) API key",
        High,
        &["lsv2_pt_", "lsv2_sk_"],
        r"\b(?P<secret>lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10})\b",
    ),
    named!(
        "elevenlabs-api-key",
        "ElevenLabs",
        "ElevenLabs API key next to an ElevenLabs name",
        High,
        ["elevenlabs", "eleven_labs", "xi_api", "xi-api"],
        "eleven_?labs|xi",
        "sk_[0-9a-f]{48}"
    ),
    spec(
        "render-api-key",
        "Render",
        "Render API key",
        High,
        &["rnd_"],
        r"\b(?P<secret>rnd_[0-9A-Za-z]{32})\b",
    ),
    spec(
        "scaleway-access-key",
        "Scaleway",
        "Scaleway access key ID",
        Medium,
        &["SCW"],
        r"\b(?P<secret>SCW[0-9A-Z]{17})\b",
    ),
    named!(
        "scaleway-secret-key",
        "Scaleway",
        "Scaleway secret key next to a Scaleway name",
        High,
        ["scaleway", "scw"],
        "scaleway|scw",
        uuid!()
    ),
    spec(
        "tencent-cloud-secret-id",
        "Tencent Cloud",
        "Tencent Cloud SecretId",
        High,
        &["AKID"],
        r"\b(?P<secret>AKID[0-9A-Za-z]{32})\b",
    ),
    spec(
        "honeycomb-ingest-key",
        "Honeycomb",
        "Honeycomb ingest key",
        High,
        &["hcaik_", "hcxik_"],
        r"\b(?P<secret>hc[ax]ik_[0-9a-z]{58})\b",
    ),
    spec(
        "new-relic-insert-key",
        "New Relic",
        "New Relic Insights insert key",
        High,
        &["NRII-"],
        concat!(r"\b(?P<secret>NRII-[0-9A-Za-z_-]{32})", end!()),
    ),
    spec(
        "new-relic-browser-key",
        "New Relic",
        "New Relic browser API key",
        Medium,
        &["NRJS-"],
        r"\b(?P<secret>NRJS-[0-9a-f]{19})\b",
    ),
    spec(
        "new-relic-license-key",
        "New Relic",
        "New Relic ingest license key",
        High,
        &["NRAL"],
        r"\b(?P<secret>[0-9a-f]{36}NRAL)\b",
    ),
    // New Relic's API keys page: "The license key is a 40-character
    // hexadecimal string". Without a prefix it is told from a commit hash
    // only by its name (`NEW_RELIC_LICENSE_KEY=`, `newrelic_license_key:`).
    named!(
        "new-relic-license-key-named",
        "New Relic",
        "New Relic license key (40 hex) next to a New Relic name",
        High,
        ["newrelic", "new_relic", "new-relic"],
        "new[_.-]?relic",
        "[0-9a-f]{40}"
    ),
    spec(
        "sonarqube-token",
        "SonarQube",
        "SonarQube user, project or analysis token",
        High,
        &["squ_", "sqp_", "sqa_"],
        r"\b(?P<secret>sq[upa]_[0-9a-f]{40})\b",
    ),
    spec(
        "teamcity-access-token",
        "TeamCity",
        "TeamCity access token",
        High,
        &["eyJ0eXAiOiAiVENWMiJ9"],
        concat!(
            r"\b(?P<secret>eyJ0eXAiOiAiVENWMiJ9\.[0-9A-Za-z_-]{36}\.[0-9A-Za-z_-]{48})",
            end!()
        ),
    ),
    named!(
        "launchdarkly-key",
        "LaunchDarkly",
        "LaunchDarkly API or SDK key next to a LaunchDarkly name",
        High,
        ["launchdarkly", "launch_darkly", "ld_sdk", "ld_api"],
        "launch_?darkly|ld",
        concat!("(?:api|sdk|mob)-", uuid!())
    ),
    spec(
        "configcat-sdk-key",
        "ConfigCat",
        "ConfigCat SDK key",
        Medium,
        &["configcat-sdk-1/"],
        concat!(
            r"\b(?P<secret>configcat-sdk-1/[0-9A-Za-z_-]{22}/[0-9A-Za-z_-]{22})",
            end!()
        ),
    ),
    spec(
        "posthog-personal-api-key",
        "PostHog",
        "PostHog personal API key",
        High,
        &["phx_"],
        r"\b(?P<secret>phx_[0-9A-Za-z]{43})\b",
    ),
    spec(
        "grafana-api-key-legacy",
        "Grafana",
        "Grafana legacy API key",
        High,
        &["eyJrIjoi"],
        r"\b(?P<secret>eyJrIjoi[0-9A-Za-z]{70,400}={0,2})(?:[^0-9A-Za-z+/=]|$)",
    ),
    spec(
        "onepassword-service-account-token",
        "1Password",
        "1Password service account token",
        Critical,
        &["ops_eyJ"],
        concat!(r"\b(?P<secret>ops_eyJ[0-9A-Za-z+/=_-]{100,})", end!()),
    ),
    spec(
        "onepassword-secret-key",
        "1Password",
        "1Password account Secret Key",
        Critical,
        &["A3-"],
        r"\b(?P<secret>A3-[0-9A-Z]{6}-(?:[0-9A-Z]{11}|[0-9A-Z]{6}-[0-9A-Z]{5})-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5})\b",
    ),
    spec(
        "stytch-secret",
        "Stytch",
        "Stytch project secret",
        High,
        &["secret-live-", "secret-test-"],
        concat!(
            r"\b(?P<secret>secret-(?:live|test)-[0-9A-Za-z_=-]{36})",
            end!()
        ),
    ),
    // WorkOS keys share Stripe's `sk_live_`/`sk_test_` prefix; their body is
    // base64 of `key_01…` and begins `a2V5XzAx`. Paystack's share it too,
    // with exactly 40 lowercase hex. Stripe's rules turn both away.
    spec(
        "workos-api-key",
        "WorkOS",
        "WorkOS API key",
        High,
        &["sk_live_a2V5XzAx", "sk_test_a2V5XzAx"],
        r"\b(?P<secret>sk_(?:live|test)_a2V5XzAx[0-9A-Za-z]{40,120})\b",
    ),
    spec(
        "paystack-secret-key",
        "Paystack",
        "Paystack secret key",
        High,
        &["sk_live_", "sk_test_"],
        r"\b(?P<secret>sk_(?:live|test)_[0-9a-f]{40})\b",
    ),
    spec(
        "razorpay-key-id",
        "Razorpay",
        "Razorpay key ID",
        Low,
        &["rzp_live_", "rzp_test_"],
        r"\b(?P<secret>rzp_(?:live|test)_[0-9A-Za-z]{14})\b",
    ),
    named!(
        "razorpay-key-secret",
        "Razorpay",
        "Razorpay key secret next to a Razorpay name",
        High,
        ["razorpay"],
        "razorpay",
        "[0-9A-Za-z]{24}"
    ),
    spec(
        "braintree-access-token",
        "Braintree",
        "Braintree (PayPal) access token",
        Critical,
        &["access_token$production$", "access_token$sandbox$"],
        r"(?P<secret>access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32})\b",
    ),
    named!(
        "mollie-api-key",
        "Mollie",
        "Mollie API key next to a Mollie name",
        High,
        ["mollie"],
        "mollie",
        "(?:live|test)_[0-9A-Za-z]{30}"
    ),
    named!(
        "gocardless-access-token",
        "GoCardless",
        "GoCardless access token next to a GoCardless name",
        High,
        ["gocardless"],
        "gocardless",
        "(?:live|sandbox)_[0-9A-Za-z_-]{40}"
    ),
    named!(
        "klaviyo-private-key",
        "Klaviyo",
        "Klaviyo private API key next to a Klaviyo name",
        High,
        ["klaviyo"],
        "klaviyo",
        "pk_[0-9a-f]{34}"
    ),
    spec(
        "clickup-api-token",
        "ClickUp",
        "ClickUp personal API token",
        High,
        &["pk_"],
        r"\b(?P<secret>pk_[0-9]{6,10}_[0-9A-Z]{32})\b",
    ),
    spec(
        "trello-token",
        "Trello",
        "Trello API token",
        High,
        &["ATTA"],
        r"\b(?P<secret>ATTA[0-9a-fA-F]{72})\b",
    ),
    named!(
        "resend-api-key",
        "Resend",
        "Resend API key next to a Resend name",
        High,
        ["resend"],
        "resend",
        "re_[0-9A-Za-z]{8}_[0-9A-Za-z]{24}"
    ),
    spec(
        "mailersend-api-token",
        "MailerSend",
        "MailerSend API token",
        High,
        &["mlsn."],
        r"\b(?P<secret>mlsn\.[0-9a-f]{64})\b",
    ),
    named!(
        "mailgun-api-key-v2",
        "Mailgun",
        "Mailgun API key (current format) next to a Mailgun name",
        High,
        ["mailgun"],
        "mailgun|mg",
        "[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}"
    ),
    named!(
        "postmark-server-token",
        "Postmark",
        "Postmark server or account token next to a Postmark name",
        High,
        ["postmark"],
        "postmark|x-postmark",
        uuid!()
    ),
    named!(
        "sparkpost-api-key",
        "SparkPost",
        "SparkPost API key next to a SparkPost name",
        High,
        ["sparkpost"],
        "sparkpost",
        "[0-9a-f]{40}"
    ),
    named!(
        "mailjet-api-secret",
        "Mailjet",
        "Mailjet API key or secret next to a Mailjet name",
        High,
        ["mailjet"],
        "mailjet|mj",
        "[0-9a-f]{32}"
    ),
    named!(
        "mandrill-api-key",
        "Mandrill",
        "Mandrill API key next to a Mandrill name",
        High,
        ["mandrill"],
        "mandrill",
        "[0-9A-Za-z_-]{22}"
    ),
    named!(
        "customerio-api-key",
        "Customer.io",
        "Customer.io API key next to a Customer.io name",
        High,
        ["customerio", "customer_io", "customer.io"],
        "customer[_.]?io",
        "[0-9a-f]{32}|[0-9a-f]{20}"
    ),
    named!(
        "pusher-secret",
        "Pusher",
        "Pusher Channels app secret next to a Pusher name",
        High,
        ["pusher"],
        "pusher",
        "[0-9a-f]{20}"
    ),
    named!(
        "ably-api-key",
        "Ably",
        "Ably API key next to an Ably name",
        High,
        ["ably_", "ably-", "ablyApi", "ablyKey", "ably.", "ably("],
        "ably",
        "[0-9A-Za-z_-]{6}\\.[0-9A-Za-z_-]{6}:[0-9A-Za-z_-]{43}"
    ),
    named!(
        "twitch-api-token",
        "Twitch",
        "Twitch client secret or OAuth token next to a Twitch name",
        High,
        ["twitch"],
        "twitch",
        "[0-9a-z]{30}"
    ),
    named!(
        "spotify-client-secret",
        "Spotify",
        "Spotify client secret next to a Spotify name",
        High,
        ["spotify"],
        "spotify",
        "[0-9a-f]{32}"
    ),
    named!(
        "linkedin-client-secret",
        "LinkedIn",
        "LinkedIn client secret next to a LinkedIn name",
        High,
        ["linkedin"],
        "linkedin",
        "[0-9A-Za-z]{16}"
    ),
    named!(
        "reddit-client-secret",
        "Reddit",
        "Reddit client secret next to a Reddit name",
        High,
        ["reddit"],
        "reddit",
        "[0-9A-Za-z_-]{27,30}"
    ),
    named!(
        "zoom-client-secret",
        "Zoom",
        "Zoom client secret next to a Zoom name",
        High,
        ["zoom"],
        "zoom",
        "[0-9A-Za-z]{32}"
    ),
    spec(
        "microsoft-teams-webhook",
        "Microsoft Teams",
        "Microsoft Teams incoming webhook URL",
        Medium,
        &["webhook.office.com"],
        concat!(
            r"(?P<secret>https://[0-9A-Za-z-]+\.webhook\.office\.com/webhookb2/[0-9a-f-]{36}@[0-9a-f-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36}(?:/[0-9A-Za-z_-]+)?)",
            end!()
        ),
    ),
    spec(
        "zapier-webhook-url",
        "Zapier",
        "Zapier catch hook URL",
        Medium,
        &["hooks.zapier.com"],
        r"(?P<secret>https://hooks\.zapier\.com/hooks/catch/[0-9]{5,12}/[0-9a-z]{5,12})\b",
    ),
    spec(
        "ifttt-webhook-key",
        "IFTTT",
        "IFTTT Webhooks key",
        Medium,
        &["maker.ifttt.com"],
        concat!(
            r"maker\.ifttt\.com/(?:trigger/[^/\s]+/with/)?key/(?P<secret>[0-9A-Za-z_-]{22})",
            end!()
        ),
    ),
    spec(
        "cloudinary-url",
        "Cloudinary",
        "Cloudinary URL with an API secret",
        High,
        &["cloudinary://"],
        concat!(
            r"cloudinary://[0-9]{15}:(?P<secret>[0-9A-Za-z_-]{27})@[0-9a-z-]+",
            ""
        ),
    ),
    Spec {
        check: Check::BasicAuthBase64,
        ..spec(
            "docker-config-auth",
            "Docker registry",
            "Registry credentials (base64 user:password) in a Docker config.json",
            High,
            &["\"auth\""],
            r#""auth"[ \t]*:[ \t]*"(?P<secret>[A-Za-z0-9+/]{8,}={0,2})""#,
        )
    },
    Spec {
        check: Check::Password,
        ..spec(
            "jdbc-url-password",
            "JDBC",
            "Password in a JDBC URL",
            High,
            &["jdbc:"],
            r#"jdbc:[a-z0-9]+:[^\s"'<>]*?[;?&](?i:password)=(?P<secret>[^;&\s"'<>]+)"#,
        )
    },
    multiline(spec(
        "putty-private-key",
        "PuTTY",
        "PuTTY private key file (PPK)",
        Critical,
        &["PuTTY-User-Key-File-"],
        r"(?P<secret>PuTTY-User-Key-File-[23]:[^\n]*\n(?:[^\n]*\n){0,40}?Private-Lines:[ \t]*[0-9]+[ \t]*\r?\n(?:[A-Za-z0-9+/=]+\r?\n)+)",
    )),
    spec(
        "nuget-api-key",
        "NuGet",
        "NuGet API key",
        High,
        &["oy2"],
        r"\b(?P<secret>oy2[0-9a-z]{43})\b",
    ),
    spec(
        "crates-io-token",
        "crates.io",
        "crates.io API token",
        High,
        &["cio"],
        r"\b(?P<secret>cio[0-9A-Za-z]{32})\b",
    ),
    spec(
        "akamai-client-token",
        "Akamai",
        "Akamai EdgeGrid client token",
        Medium,
        &["akab-"],
        r"\b(?P<secret>akab-[0-9a-z]{16}-[0-9a-z]{16})\b",
    ),
    spec(
        "telnyx-api-key",
        "Telnyx",
        "Telnyx API v2 key",
        High,
        &[
            "KEY0", "KEY1", "KEY2", "KEY3", "KEY4", "KEY5", "KEY6", "KEY7", "KEY8", "KEY9", "KEYA",
            "KEYB", "KEYC", "KEYD", "KEYE", "KEYF",
        ],
        r"\bKEY[0-9A-F]{32}_[0-9A-Za-z]{22}\b",
    ),
    // Providers whose secrets have no prefix: next to the provider's name.
    named!(
        "codecov-token",
        "Codecov",
        "Codecov upload token next to a Codecov name",
        Medium,
        ["codecov"],
        "codecov",
        uuid!()
    ),
    named!(
        "cypress-record-key",
        "Cypress",
        "Cypress Cloud record key next to a Cypress name",
        Medium,
        ["cypress"],
        "cypress",
        uuid!()
    ),
    named!(
        "bugsnag-api-key",
        "Bugsnag",
        "Bugsnag API key next to a Bugsnag name",
        Medium,
        ["bugsnag"],
        "bugsnag",
        "[0-9a-f]{32}"
    ),
    named!(
        "rollbar-access-token",
        "Rollbar",
        "Rollbar access token next to a Rollbar name",
        Medium,
        ["rollbar"],
        "rollbar",
        "[0-9a-f]{32}"
    ),
    named!(
        "splunk-hec-token",
        "Splunk",
        "Splunk HTTP Event Collector token next to a Splunk name",
        High,
        ["splunk"],
        "splunk|hec",
        uuid!()
    ),
    named!(
        "mezmo-ingestion-key",
        "Mezmo (LogDNA)",
        "Mezmo (LogDNA) ingestion key next to its name",
        Medium,
        ["logdna", "mezmo"],
        "logdna|mezmo",
        "[0-9a-f]{32}"
    ),
    named!(
        "loggly-token",
        "Loggly",
        "Loggly customer token next to a Loggly name",
        Medium,
        ["loggly"],
        "loggly",
        uuid!()
    ),
    named!(
        "pagerduty-api-key",
        "PagerDuty",
        "PagerDuty API key next to a PagerDuty name",
        High,
        ["pagerduty"],
        "pagerduty",
        "[0-9A-Za-z_+-]{20}"
    ),
    named!(
        "opsgenie-api-key",
        "Opsgenie",
        "Opsgenie API key next to an Opsgenie name",
        High,
        ["opsgenie"],
        "opsgenie",
        uuid!()
    ),
    named!(
        "duo-secret-key",
        "Duo",
        "Duo integration secret key next to a Duo name",
        High,
        ["duo"],
        "duo",
        "[0-9A-Za-z]{40}"
    ),
    named!(
        "vercel-token",
        "Vercel",
        "Vercel access token next to a Vercel name",
        High,
        ["vercel"],
        "vercel",
        "[0-9A-Za-z]{24}"
    ),
    named!(
        "linode-api-token",
        "Linode (Akamai)",
        "Linode personal access token next to a Linode name",
        High,
        ["linode"],
        "linode",
        "[0-9a-f]{64}"
    ),
    named!(
        "vultr-api-key",
        "Vultr",
        "Vultr API key next to a Vultr name",
        High,
        ["vultr"],
        "vultr",
        "[0-9A-Z]{36}"
    ),
    named!(
        "hetzner-api-token",
        "Hetzner",
        "Hetzner Cloud API token next to a Hetzner name",
        High,
        ["hetzner", "hcloud"],
        "hetzner|hcloud",
        "[0-9A-Za-z]{64}"
    ),
    named!(
        "ngrok-authtoken",
        "ngrok",
        "ngrok authtoken or API key next to an ngrok name",
        High,
        ["ngrok"],
        "ngrok",
        "[0-9A-Za-z]{25,30}_[0-9A-Za-z]{20,25}"
    ),
    named!(
        "cohere-api-key",
        "Cohere",
        "Cohere API key next to a Cohere name",
        High,
        ["cohere", "co_api"],
        "cohere|co_api",
        "[0-9A-Za-z]{40}"
    ),
    named!(
        "mistral-api-key",
        "Mistral AI",
        "Mistral AI API key next to a Mistral name",
        High,
        ["mistral"],
        "mistral",
        "[0-9A-Za-z]{32}"
    ),
    named!(
        "deepseek-api-key",
        "DeepSeek",
        "DeepSeek API key next to a DeepSeek name",
        High,
        ["deepseek"],
        "deepseek",
        "sk-[0-9a-f]{32}"
    ),
    named!(
        "assemblyai-api-key",
        "AssemblyAI",
        "AssemblyAI API key next to an AssemblyAI name",
        High,
        ["assemblyai", "assembly_ai"],
        "assembly_?ai",
        "[0-9a-f]{32}"
    ),
    named!(
        "deepgram-api-key",
        "Deepgram",
        "Deepgram API key next to a Deepgram name",
        High,
        ["deepgram"],
        "deepgram",
        "[0-9a-f]{40}"
    ),
    named!(
        "wandb-api-key",
        "Weights & Biases",
        "Weights & Biases API key next to a W&B name",
        High,
        ["wandb"],
        "wandb",
        "[0-9a-f]{40}"
    ),
    named!(
        "pinecone-api-key",
        "Pinecone",
        "Pinecone API key next to a Pinecone name",
        High,
        ["pinecone"],
        "pinecone",
        concat!("pcsk_[0-9A-Za-z_]{40,100}|", uuid!())
    ),
    named!(
        "stability-api-key",
        "Stability AI",
        "Stability AI API key next to a Stability name",
        High,
        ["stability"],
        "stability",
        "sk-[0-9A-Za-z]{48}"
    ),
    named!(
        "mongodb-atlas-private-key",
        "MongoDB Atlas",
        "MongoDB Atlas API private key next to an Atlas name",
        High,
        ["atlas", "ATLAS", "Atlas"],
        "mongodb_?atlas|atlas",
        uuid!()
    ),
    named!(
        "gitea-access-token",
        "Gitea",
        "Gitea access token next to a Gitea name",
        High,
        ["gitea"],
        "gitea",
        "[0-9a-f]{40}"
    ),
    named!(
        "plivo-auth-token",
        "Plivo",
        "Plivo auth token next to a Plivo name",
        High,
        ["plivo"],
        "plivo",
        "[0-9A-Za-z]{40}"
    ),
    named!(
        "vonage-api-secret",
        "Vonage (Nexmo)",
        "Vonage (Nexmo) API secret next to its name",
        High,
        ["vonage", "nexmo"],
        "vonage|nexmo",
        "[0-9A-Za-z]{16}"
    ),
    named!(
        "freshdesk-api-key",
        "Freshdesk",
        "Freshdesk API key next to a Freshdesk name",
        High,
        ["freshdesk"],
        "freshdesk",
        "[0-9A-Za-z]{20}"
    ),
    named!(
        "todoist-api-token",
        "Todoist",
        "Todoist API token next to a Todoist name",
        Medium,
        ["todoist"],
        "todoist",
        "[0-9a-f]{40}"
    ),
    named!(
        "smartsheet-access-token",
        "Smartsheet",
        "Smartsheet access token next to a Smartsheet name",
        High,
        ["smartsheet"],
        "smartsheet",
        "[0-9A-Za-z]{26,37}"
    ),
    named!(
        "docusign-secret",
        "DocuSign",
        "DocuSign integration secret next to a DocuSign name",
        High,
        ["docusign"],
        "docusign",
        uuid!()
    ),
    named!(
        "railway-token",
        "Railway",
        "Railway API token next to a Railway name",
        High,
        ["railway"],
        "railway",
        uuid!()
    ),
    named!(
        "drone-token",
        "Drone CI",
        "Drone CI token next to a Drone name",
        Medium,
        ["drone"],
        "drone",
        "[0-9A-Za-z]{32}"
    ),
    named!(
        "coveralls-repo-token",
        "Coveralls",
        "Coveralls repository token next to a Coveralls name",
        Medium,
        ["coveralls"],
        "coveralls",
        "[0-9A-Za-z]{32,37}"
    ),
    // Sidekiq Enterprise/Pro: the gem server's `user:password` in Bundler's
    // environment variable, or in a source URL.
    Spec {
        check: Check::Entropy(2.5),
        ..spec(
            "sidekiq-secret",
            "Sidekiq",
            "Sidekiq Pro/Enterprise gem server credentials (BUNDLE_ENTERPRISE__CONTRIBSYS__COM)",
            High,
            &[
                "BUNDLE_ENTERPRISE__CONTRIBSYS__COM",
                "BUNDLE_GEMS__CONTRIBSYS__COM",
                "bundle_enterprise__contribsys__com",
                "bundle_gems__contribsys__com",
            ],
            r#"(?i:bundle_(?:enterprise|gems)__contribsys__com)["']?[ \t]*(?::=|=>|=|:)[ \t]*["']?(?P<secret>[0-9a-f]{8}:[0-9a-f]{8})\b"#,
        )
    },
    Spec {
        check: Check::Entropy(2.5),
        ..spec(
            "sidekiq-sensitive-url",
            "Sidekiq",
            "Sidekiq Pro/Enterprise gem server credentials in a source URL",
            High,
            &["contribsys.com"],
            r#"https?://(?P<secret>[0-9a-f]{8}:[0-9a-f]{8})@(?:gems|enterprise)\.contribsys\.com"#,
        )
    },
    // Slack legacy workspace tokens (`xoxa-2-…`, `xoxr-…`): an alphanumeric
    // body, not the numeric segments of the older legacy tokens.
    Spec {
        check: Check::Entropy(3.5),
        ..spec(
            "slack-legacy-workspace-token",
            "Slack",
            "Slack legacy workspace token",
            High,
            &["xoxa-", "xoxr-"],
            r"\b(?P<secret>xox[ar]-(?:[0-9]-)?[0-9A-Za-z]{30,48})\b",
        )
    },
    // Sumo Logic access ids: `su` and 12 alphanumerics, next to their name.
    Spec {
        check: Check::Entropy(2.5),
        ..spec(
            "sumologic-access-id",
            "Sumo Logic",
            "Sumo Logic access ID next to a Sumo Logic name",
            Medium,
            &["sumo", "Sumo", "SUMO"],
            r#"(?i:sumo[0-9a-z_.-]{0,24}?access[_.-]?id)["'\]]?[ \t]*(?::=|=>|=|:|,)[ \t]*["'`]?(?P<secret>su[0-9A-Za-z]{12})(?:[^0-9A-Za-z]|$)"#,
        )
    },
    // NuGet.Config: a feed's password kept in clear text.
    Spec {
        check: Check::Password,
        ..spec(
            "nuget-config-password",
            "NuGet",
            "Clear-text feed password in a NuGet.Config",
            High,
            &["ClearTextPassword"],
            r#"<add[ \t]+key=["']ClearTextPassword["'][ \t]+value=["'](?P<secret>[^"'\s]{6,})["']"#,
        )
    },
];
