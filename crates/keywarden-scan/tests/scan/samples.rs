//! Sample templates: every provider rule's documented shape, filled with
//! generated characters at run time (so no file of this repository holds a
//! realistic secret). Each sample is tried in several file contexts and
//! must be found by its rule with exactly its secret; a near miss of each
//! (the same value under a name that holds no secret, or a token cut short
//! in a neutral line) must be found by no rule at all.
//!
//! Template language: `{hex:N}` `{HEX:N}` `{alnum:N}` `{upper:N}`
//! (A-Z0-9) `{lower:N}` (a-z0-9) `{b64:N}` `{b64url:N}` `{digits:N}`
//! `{letters:N}` `{base32:N}` (a-z2-7) `{uuid}`. A template `NAME=value`
//! whose name is upper snake case is a named secret (the value is the
//! secret); `«…»` marks the secret in a `raw:` template, which is used as
//! written; any other template is a token, found wherever it stands.

use crate::Gen;

/// (rule id, template). Several templates may test one rule.
pub(crate) const SAMPLES: &[(&str, &str)] = &[
    ("cloudflare-api-token", "CLOUDFLARE_API_TOKEN={b64url:40}"),
    ("cloudflare-api-token", "CF_API_TOKEN={b64url:40}"),
    ("cloudflare-global-api-key", "CLOUDFLARE_API_KEY={hex:37}"),
    ("cloudflare-origin-ca-key", "v1.0-{hex:24}-{hex:146}"),
    ("jfrog-api-key", "AKCp{alnum:69}"),
    ("jfrog-reference-token", "cmVmdGtuOjAxOj{alnum:50}"),
    ("alibaba-access-key-id", "LTAI{alnum:20}"),
    (
        "alibaba-access-key-secret",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET={alnum:30}",
    ),
    (
        "airtable-pat",
        "raw:curl https://api.airtable.com/v0/app -H \"Authorization: Bearer «pat{alnum:14}.{hex:64}»\"\n",
    ),
    (
        "airtable-pat",
        "raw:AIRTABLE_PAT = \"«pat{alnum:14}.{hex:64}»\"\n",
    ),
    ("airtable-api-key", "AIRTABLE_API_KEY=key{alnum:14}"),
    ("dropbox-short-lived-token", "sl.B{b64url:140}"),
    ("dropbox-short-lived-token", "sl.u.{b64url:140}"),
    (
        "dropbox-long-lived-token",
        "DROPBOX_ACCESS_TOKEN={alnum:11}AAAAAAAAAA{b64url:43}",
    ),
    ("facebook-access-token", "EAAG{alnum:150}"),
    ("facebook-app-secret", "FACEBOOK_APP_SECRET={hex:32}"),
    ("instagram-access-token", "IGQV{b64url:150}"),
    ("flutterwave-secret-key", "FLWSECK_TEST-{hex:32}-X"),
    ("flutterwave-secret-key", "FLWSECK-{hex:32}-X"),
    ("flutterwave-encryption-key", "FLWSECK_TEST{hex:12}"),
    ("plaid-access-token", "access-production-{uuid}"),
    ("plaid-secret", "PLAID_SECRET={hex:30}"),
    ("yandex-api-key", "AQVN{b64url:36}"),
    ("yandex-oauth-token", "y0_{b64url:55}"),
    (
        "yandex-access-key-secret",
        "YANDEX_SECRET_KEY=YC{b64url:38}",
    ),
    ("asana-pat", "ASANA_ACCESS_TOKEN=1/{digits:16}:{hex:32}"),
    (
        "asana-pat",
        "ASANA_TOKEN=2/{digits:16}/{digits:16}:{hex:32}",
    ),
    ("sendbird-api-token", "SENDBIRD_API_TOKEN={hex:40}"),
    ("adobe-client-secret", "p8e-{b64url:32}"),
    ("atlassian-api-token", "ATATT3xFfGF0{b64url:170}={HEX:8}"),
    ("atlassian-api-token-legacy", "JIRA_API_TOKEN={alnum:24}"),
    ("bitbucket-app-password", "ATBB{alnum:32}"),
    ("bitbucket-access-token", "ATCTT3xFfGN0{b64url:170}={HEX:8}"),
    ("confluent-api-secret", "CONFLUENT_API_SECRET={b64:64}"),
    ("kucoin-api-secret", "KUCOIN_API_SECRET={uuid}"),
    ("kucoin-api-secret", "KUCOIN_API_KEY={hex:24}"),
    ("lob-api-key", "LOB_API_KEY=live_{hex:35}"),
    ("lob-api-key", "LOB_PUBLISHABLE_KEY=test_pub_{hex:31}"),
    ("messagebird-api-key", "MESSAGEBIRD_API_KEY={alnum:25}"),
    ("sumologic-access-key", "SUMO_ACCESS_KEY={alnum:64}"),
    ("sourcegraph-access-token", "sgp_{hex:16}_{hex:40}"),
    ("sourcegraph-access-token", "sgp_{hex:40}"),
    ("segment-public-api-token", "sgp_{alnum:64}"),
    ("okta-api-token", "OKTA_API_TOKEN=00{b64url:40}"),
    ("auth0-client-secret", "AUTH0_CLIENT_SECRET={b64url:64}"),
    ("contentful-pat", "CFPAT-{b64url:43}"),
    (
        "contentful-delivery-token",
        "CONTENTFUL_DELIVERY_TOKEN={b64url:43}",
    ),
    ("figma-pat", "figd_{b64url:40}"),
    ("fastly-api-token", "FASTLY_API_TOKEN={b64url:32}"),
    ("snyk-api-token", "SNYK_TOKEN={uuid}"),
    ("circleci-token", "CCIPAT_{alnum:22}_{hex:40}"),
    ("circleci-token-legacy", "CIRCLECI_TOKEN={hex:40}"),
    ("travisci-token", "TRAVIS_API_TOKEN={b64url:22}"),
    ("buildkite-api-token", "bkua_{hex:40}"),
    ("buildkite-agent-token", "BUILDKITE_AGENT_TOKEN={hex:50}"),
    ("bitly-access-token", "BITLY_ACCESS_TOKEN={hex:40}"),
    ("algolia-api-key", "ALGOLIA_ADMIN_API_KEY={hex:32}"),
    ("intercom-access-token", "dG9rOj{b64url:54}="),
    ("zendesk-api-token", "ZENDESK_API_TOKEN={alnum:40}"),
    ("hubspot-private-app-token", "pat-na1-{uuid}"),
    ("hubspot-api-key", "HUBSPOT_API_KEY={uuid}"),
    ("mixpanel-secret", "MIXPANEL_API_SECRET={alnum:32}"),
    ("amplitude-api-key", "AMPLITUDE_SECRET_KEY={hex:32}"),
    ("coinbase-api-secret", "COINBASE_API_SECRET={alnum:32}"),
    ("kraken-api-secret", "KRAKEN_PRIVATE_KEY={b64:86}=="),
    ("kraken-api-secret", "KRAKEN_API_KEY={b64:56}"),
    ("frameio-api-token", "fio-u-{b64url:64}"),
    ("typeform-pat", "tfp_{b64url:44}_{alnum:14}"),
    ("vault-token-legacy", "VAULT_TOKEN=s.{alnum:24}"),
    (
        "kubernetes-secret",
        "raw:apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: «{b64:24}»\n",
    ),
    (
        "kubernetes-secret",
        "raw:apiVersion: v1\ndata:\n  token: «{b64:32}»\nkind: Secret\nmetadata:\n  name: api\n",
    ),
    (
        "kubernetes-secret",
        "raw:kind: Secret\nstringData:\n  DB_PASSWORD: «{alnum:20}»\n",
    ),
    (
        "kubeconfig-client-key",
        "raw:users:\n- name: admin\n  user:\n    client-key-data: «{b64:120}»\n",
    ),
    (
        "curl-basic-auth",
        "raw:curl -u deploy:«{alnum:18}» https://api.acme-corp.io/v1/items\n",
    ),
    (
        "curl-basic-auth",
        "raw:curl --user \"ci:«{alnum:18}»\" https://ci.acme-corp.io\n",
    ),
    (
        "curl-auth-header",
        "raw:curl -H \"Authorization: Bearer «{b64url:40}»\" https://api.acme-corp.io\n",
    ),
    (
        "curl-auth-header",
        "raw:curl --header 'X-API-Key: «{alnum:32}»' https://api.acme-corp.io\n",
    ),
    (
        "terraform-password",
        "raw@infra/main.tf:resource \"aws_db_instance\" \"db\" {\n  password = \"«{alnum:16}»\"\n}\n",
    ),
    (
        "terraform-password",
        "raw@infra/prod.tfvars:  admin_password = \"«{alnum:14}!»\"\n",
    ),
    ("gitlab-feed-token", "glft-{b64url:20}"),
    ("gitlab-incoming-mail-token", "glimt-{b64url:25}"),
    ("gitlab-ci-job-token", "glcbt-64_{b64url:20}"),
    ("gitlab-scim-token", "glsoat-{b64url:20}"),
    ("gitlab-kubernetes-agent-token", "glagent-{b64url:50}"),
    ("gitlab-oauth-app-secret", "gloas-{b64url:64}"),
    ("gitlab-feature-flags-token", "glffct-{b64url:20}"),
    ("gitlab-runner-registration-token", "GR1348941{b64url:20}"),
    ("gitlab-pipeline-trigger-token", "glptt-{b64url:20}"),
    (
        "slack-legacy-token",
        "xoxs-{digits:10}-{digits:11}-{digits:12}-{hex:64}",
    ),
    (
        "slack-legacy-token",
        "xoxa-2-{digits:12}-{digits:12}-{digits:12}-{hex:64}",
    ),
    ("slack-config-token", "xoxe.xoxp-1-{alnum:160}"),
    ("slack-config-token", "xoxe-1-{alnum:146}"),
    (
        "slack-webhook-url",
        "https://hooks.slack.com/workflows/T{upper:9}/A{upper:10}/{digits:18}/{alnum:24}",
    ),
    (
        "slack-webhook-url",
        "http://hooks.slack.com/services/T{upper:9}/B{upper:10}/{alnum:24}",
    ),
    (
        "twitter-access-token",
        "TWITTER_ACCESS_TOKEN={digits:19}-{alnum:40}",
    ),
    (
        "twitter-consumer-secret",
        "TWITTER_CONSUMER_SECRET={alnum:50}",
    ),
    ("twitter-consumer-secret", "TWITTER_API_KEY={alnum:25}"),
    (
        "azure-storage-account-key",
        "raw:storage:\n  accountName: acmeprod\n  accountKey: «{b64:86}==»\n",
    ),
    (
        "azure-storage-account-key",
        "raw:{\"storageAccountKey\": \"«{b64:86}==»\"}\n",
    ),
    (
        "azure-storage-account-key",
        "raw:az storage blob upload --account-name acme --account-key «{b64:86}==» -f x\n",
    ),
    ("azure-storage-account-key", "AZURE_STORAGE_KEY={b64:86}=="),
    (
        "azure-storage-connection-string",
        "raw:DefaultEndpointsProtocol=https;AccountKey=«{b64:86}==»;AccountName=acme;EndpointSuffix=core.windows.net\n",
    ),
    (
        "azure-storage-connection-string",
        "raw:conn = (\"DefaultEndpointsProtocol=https;AccountName=acme;\"\n        \"AccountKey=«{b64:86}==»;\")\n",
    ),
    (
        "azure-ad-client-secret",
        "raw:AZURE_CLIENT_SECRET=«-a_8Q~{b64url:34}»\n",
    ),
    (
        "azure-sas-token",
        "raw:https://acme.blob.core.windows.net/c/f?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=«{alnum:44}%3D»\n",
    ),
    (
        "azure-shared-access-key",
        "raw:Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=«{b64:43}=»\n",
    ),
    (
        "azure-app-configuration-connection-string",
        "raw:Endpoint=https://acme.azconfig.io;Id=Ab1c-l0-s0:{alnum:20};Secret=«{b64:43}=»\n",
    ),
    ("azure-openai-api-key", "AZURE_OPENAI_API_KEY={hex:32}"),
    ("azure-devops-pat", "AZURE_DEVOPS_PAT={base32:52}"),
    (
        "gcp-service-account-key",
        "raw:{\n  \"type\": \"service_account\",\n  \"private_key_id\": \"«{hex:40}»\",\n}\n",
    ),
    ("google-oauth-access-token", "ya29.{b64url:120}"),
    ("google-oauth-refresh-token", "1//0{b64url:100}"),
    (
        "firebase-cloud-messaging-server-key",
        "AAAA{b64url:7}:APA91b{b64url:134}",
    ),
    ("amazon-mws-auth-token", "amzn.mws.{uuid}"),
    ("amazon-lwa-client-secret", "amzn1.oa2-cs.v1.{hex:64}"),
    ("shippo-api-token", "shippo_live_{hex:40}"),
    ("easypost-api-key", "EZAK{alnum:54}"),
    ("duffel-api-token", "duffel_test_{b64url:43}"),
    ("readme-api-key", "rdme_{lower:70}"),
    ("prefect-api-key", "pnu_{alnum:36}"),
    ("scalingo-api-token", "tk-us-{b64url:48}"),
    ("clojars-api-token", "CLOJARS_{lower:60}"),
    ("infracost-api-key", "ico-{alnum:32}"),
    ("harness-pat", "pat.{b64url:22}.{hex:24}.{alnum:20}"),
    ("octopus-deploy-api-key", "API-{upper:28}"),
    ("openshift-user-token", "sha256~{b64url:43}"),
    ("tailscale-key", "tskey-auth-{alnum:12}-{alnum:30}"),
    ("replicate-api-token", "r8_{alnum:37}"),
    ("groq-api-key", "gsk_{alnum:52}"),
    ("perplexity-api-key", "pplx-{alnum:48}"),
    ("xai-api-key", "xai-{alnum:80}"),
    ("openrouter-api-key", "sk-or-v1-{hex:64}"),
    ("langsmith-api-key", "lsv2_pt_{hex:32}_{hex:10}"),
    ("elevenlabs-api-key", "ELEVENLABS_API_KEY=sk_{hex:48}"),
    ("render-api-key", "rnd_{alnum:32}"),
    ("scaleway-access-key", "SCW{upper:17}"),
    ("scaleway-secret-key", "SCW_SECRET_KEY={uuid}"),
    ("tencent-cloud-secret-id", "AKID{alnum:32}"),
    ("honeycomb-ingest-key", "hcaik_{lower:58}"),
    ("new-relic-insert-key", "NRII-{b64url:32}"),
    ("dynatrace-token", "dt0s16.{upper:24}.{upper:64}"),
    ("new-relic-browser-key", "NRJS-{hex:19}"),
    ("new-relic-license-key", "{hex:36}NRAL"),
    ("sonarqube-token", "squ_{hex:40}"),
    (
        "teamcity-access-token",
        "eyJ0eXAiOiAiVENWMiJ9.{b64url:36}.{b64url:48}",
    ),
    ("launchdarkly-key", "LAUNCHDARKLY_SDK_KEY=sdk-{uuid}"),
    (
        "configcat-sdk-key",
        "configcat-sdk-1/{b64url:22}/{b64url:22}",
    ),
    ("posthog-personal-api-key", "phx_{alnum:43}"),
    ("grafana-api-key-legacy", "eyJrIjoi{alnum:90}"),
    ("onepassword-service-account-token", "ops_eyJ{b64url:200}"),
    (
        "onepassword-secret-key",
        "A3-{upper:6}-{upper:11}-{upper:5}-{upper:5}-{upper:5}",
    ),
    ("stytch-secret", "secret-live-{b64url:36}"),
    ("workos-api-key", "sk_live_a2V5XzAx{alnum:70}"),
    ("paystack-secret-key", "sk_live_{hex:40}"),
    ("razorpay-key-id", "rzp_live_{alnum:14}"),
    ("razorpay-key-secret", "RAZORPAY_KEY_SECRET={alnum:24}"),
    (
        "braintree-access-token",
        "access_token$production${lower:16}${hex:32}",
    ),
    ("mollie-api-key", "MOLLIE_API_KEY=live_{alnum:30}"),
    (
        "gocardless-access-token",
        "GOCARDLESS_ACCESS_TOKEN=live_{b64url:40}",
    ),
    ("klaviyo-private-key", "KLAVIYO_PRIVATE_KEY=pk_{hex:34}"),
    ("clickup-api-token", "pk_{digits:8}_{upper:32}"),
    ("trello-token", "ATTA{hex:72}"),
    ("resend-api-key", "RESEND_API_KEY=re_{alnum:8}_{alnum:24}"),
    ("mailersend-api-token", "mlsn.{hex:64}"),
    (
        "mailgun-api-key-v2",
        "MAILGUN_API_KEY={hex:32}-{hex:8}-{hex:8}",
    ),
    ("postmark-server-token", "POSTMARK_SERVER_TOKEN={uuid}"),
    ("sparkpost-api-key", "SPARKPOST_API_KEY={hex:40}"),
    ("mailjet-api-secret", "MAILJET_API_SECRET={hex:32}"),
    ("mandrill-api-key", "MANDRILL_API_KEY={b64url:22}"),
    ("customerio-api-key", "CUSTOMERIO_API_KEY={hex:32}"),
    ("pusher-secret", "PUSHER_APP_SECRET={hex:20}"),
    (
        "ably-api-key",
        "ABLY_API_KEY={b64url:6}.{b64url:6}:{b64url:43}",
    ),
    ("twitch-api-token", "TWITCH_CLIENT_SECRET={lower:30}"),
    ("spotify-client-secret", "SPOTIFY_CLIENT_SECRET={hex:32}"),
    (
        "linkedin-client-secret",
        "LINKEDIN_CLIENT_SECRET={alnum:16}",
    ),
    ("reddit-client-secret", "REDDIT_CLIENT_SECRET={b64url:30}"),
    ("zoom-client-secret", "ZOOM_CLIENT_SECRET={alnum:32}"),
    (
        "microsoft-teams-webhook",
        "https://acme.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{hex:32}/{uuid}",
    ),
    (
        "zapier-webhook-url",
        "https://hooks.zapier.com/hooks/catch/{digits:7}/{lower:7}",
    ),
    (
        "ifttt-webhook-key",
        "raw:https://maker.ifttt.com/trigger/deploy/with/key/«{b64url:22}»\n",
    ),
    (
        "cloudinary-url",
        "raw:CLOUDINARY_URL=cloudinary://{digits:15}:«{b64url:27}»@acme\n",
    ),
    (
        "docker-config-auth",
        "raw:{\"auths\": {\"registry.acme.io\": {\"auth\": \"«QWxhZGRpbjpvcGVuIHNlc2FtZQ==»\"}}}\n",
    ),
    (
        "jdbc-url-password",
        "raw:url=jdbc:sqlserver://db.acme.io:1433;databaseName=app;user=app;password=«{alnum:16}»;\n",
    ),
    (
        "putty-private-key",
        "raw:«PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n{b64:64}\n{b64:20}\nPrivate-Lines: 1\n{b64:44}\n»Private-MAC: {hex:64}\n",
    ),
    ("nuget-api-key", "oy2{lower:43}"),
    (
        "sidekiq-secret",
        "raw:export BUNDLE_ENTERPRISE__CONTRIBSYS__COM=«{hex:8}:{hex:8}»\n",
    ),
    (
        "sidekiq-sensitive-url",
        "raw@Gemfile:source \"https://«{hex:8}:{hex:8}»@enterprise.contribsys.com/\" do\n",
    ),
    (
        "slack-legacy-workspace-token",
        "raw:SLACK_TOKEN=«xoxa-2-{alnum:40}»\n",
    ),
    (
        "slack-legacy-workspace-token",
        "raw:token: «xoxr-{alnum:36}»\n",
    ),
    ("sumologic-access-id", "SUMO_ACCESS_ID=su{alnum:12}"),
    (
        "nuget-config-password",
        "raw@NuGet.Config:<packageSourceCredentials><feed>\n  <add key=\"Username\" value=\"ci\" />\n  <add key=\"ClearTextPassword\" value=\"«{alnum:20}»\" />\n",
    ),
    (
        "curl-auth-header",
        "raw@deploy.sh:curl https://api.acme.io/v1 \\\n  -H \"Authorization: Bearer «{alnum:32}»\"\n",
    ),
    (
        "curl-basic-auth",
        "raw@ci.sh:curl --user=deploy:«{alnum:16}» https://x.io\n",
    ),
    (
        "curl-basic-auth",
        "raw@ci.sh:curl -sS \\\n  -u deploy:«{alnum:16}» \\\n  https://x.io\n",
    ),
    ("crates-io-token", "cio{alnum:32}"),
    ("akamai-client-token", "akab-{lower:16}-{lower:16}"),
    ("telnyx-api-key", "KEY{HEX:32}_{alnum:22}"),
    ("codecov-token", "CODECOV_TOKEN={uuid}"),
    ("cypress-record-key", "CYPRESS_RECORD_KEY={uuid}"),
    ("bugsnag-api-key", "BUGSNAG_API_KEY={hex:32}"),
    ("rollbar-access-token", "ROLLBAR_ACCESS_TOKEN={hex:32}"),
    ("splunk-hec-token", "SPLUNK_HEC_TOKEN={uuid}"),
    ("mezmo-ingestion-key", "LOGDNA_INGESTION_KEY={hex:32}"),
    ("loggly-token", "LOGGLY_TOKEN={uuid}"),
    ("pagerduty-api-key", "PAGERDUTY_API_KEY={alnum:20}"),
    ("opsgenie-api-key", "OPSGENIE_API_KEY={uuid}"),
    ("duo-secret-key", "DUO_SECRET_KEY={alnum:40}"),
    ("vercel-token", "VERCEL_TOKEN={alnum:24}"),
    ("linode-api-token", "LINODE_TOKEN={hex:64}"),
    ("vultr-api-key", "VULTR_API_KEY={upper:36}"),
    ("hetzner-api-token", "HCLOUD_TOKEN={alnum:64}"),
    ("ngrok-authtoken", "NGROK_AUTHTOKEN={alnum:27}_{alnum:21}"),
    ("cohere-api-key", "COHERE_API_KEY={alnum:40}"),
    ("mistral-api-key", "MISTRAL_API_KEY={alnum:32}"),
    ("deepseek-api-key", "DEEPSEEK_API_KEY=sk-{hex:32}"),
    ("assemblyai-api-key", "ASSEMBLYAI_API_KEY={hex:32}"),
    ("deepgram-api-key", "DEEPGRAM_API_KEY={hex:40}"),
    ("wandb-api-key", "WANDB_API_KEY={hex:40}"),
    ("pinecone-api-key", "PINECONE_API_KEY={uuid}"),
    ("stability-api-key", "STABILITY_API_KEY=sk-{alnum:48}"),
    (
        "mongodb-atlas-private-key",
        "MONGODB_ATLAS_PRIVATE_KEY={uuid}",
    ),
    ("gitea-access-token", "GITEA_TOKEN={hex:40}"),
    ("plivo-auth-token", "PLIVO_AUTH_TOKEN={alnum:40}"),
    ("vonage-api-secret", "VONAGE_API_SECRET={alnum:16}"),
    ("freshdesk-api-key", "FRESHDESK_API_KEY={alnum:20}"),
    ("todoist-api-token", "TODOIST_API_TOKEN={hex:40}"),
    (
        "smartsheet-access-token",
        "SMARTSHEET_ACCESS_TOKEN={alnum:37}",
    ),
    ("docusign-secret", "DOCUSIGN_CLIENT_SECRET={uuid}"),
    ("railway-token", "RAILWAY_TOKEN={uuid}"),
    ("drone-token", "DRONE_TOKEN={alnum:32}"),
    ("coveralls-repo-token", "COVERALLS_REPO_TOKEN={alnum:33}"),
    // Added after the corpus was first generated: kept last so that the
    // values generated for the samples above stay as they were.
    ("typeform-pat", "tfp_{hex:40}"),
    (
        "new-relic-license-key-named",
        "NEW_RELIC_LICENSE_KEY={hex:40}",
    ),
    (
        "new-relic-license-key-named",
        "raw:newrelic_license_key: \"«{hex:40}»\"\n",
    ),
];

/// A filled-in sample.
pub(crate) struct Sample {
    pub(crate) rule: &'static str,
    pub(crate) kind: Kind,
    /// Where a raw snippet is (`raw@PATH:`), for rules that look at paths.
    pub(crate) path: &'static str,
    /// The text (a token, a value, or a raw snippet without markers).
    pub(crate) text: String,
    /// The secret the rule must report.
    pub(crate) secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A token found wherever it stands.
    Token,
    /// `NAME=value`: found next to its name.
    Named(String),
    /// A snippet used as written.
    Raw,
}

fn fill(template: &str, g: &mut Gen) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let spec = &rest[open + 1..open + close];
        if spec.is_empty() || !spec.bytes().all(|b| b.is_ascii_alphanumeric() || b == b':') {
            // A literal brace (JSON, HCL), not a template part.
            out.push('{');
            rest = &rest[open + 1..];
            continue;
        }
        let (kind, n) = spec.split_once(':').unwrap_or((spec, "0"));
        let n: usize = n.parse().unwrap_or(0);
        let part = match kind {
            "hex" => g.hex(n),
            "HEX" => g.hex(n).to_ascii_uppercase(),
            "alnum" => g.alnum(n),
            "upper" => g.upper_alnum(n),
            "lower" => g.from("0123456789abcdefghijklmnopqrstuvwxyz", n),
            "b64" => g.b64(n),
            "b64url" => g.b64url(n),
            "digits" => g.digits(n),
            "letters" => g.letters(n),
            "base32" => g.from("abcdefghijklmnopqrstuvwxyz234567", n),
            "uuid" => format!(
                "{}-{}-{}-{}-{}",
                g.hex(8),
                g.hex(4),
                g.hex(4),
                g.hex(4),
                g.hex(12)
            ),
            other => panic!("unknown template part {other}"),
        };
        out.push_str(&part);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Every sample, filled from `seed`.
pub(crate) fn samples(seed: u64) -> Vec<Sample> {
    let mut g = Gen::new(seed);
    SAMPLES
        .iter()
        .map(|&(rule, template)| {
            let raw = template
                .strip_prefix("raw:")
                .map(|r| ("deploy/snippet.txt", r))
                .or_else(|| {
                    let rest = template.strip_prefix("raw@")?;
                    let (path, raw) = rest.split_once(':')?;
                    Some((path, raw))
                });
            if let Some((path, raw)) = raw {
                let filled = fill(raw, &mut g);
                let (a, rest) = filled.split_once('«').expect("raw sample marks its secret");
                let (secret, b) = rest.split_once('»').expect("raw sample closes its secret");
                return Sample {
                    rule,
                    path,
                    kind: Kind::Raw,
                    text: format!("{a}{secret}{b}"),
                    secret: secret.to_owned(),
                };
            }
            let named = template.split_once('=').filter(|(name, _)| {
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            });
            match named {
                Some((name, value)) => {
                    let value = fill(value, &mut g);
                    Sample {
                        rule,
                        path: "",
                        kind: Kind::Named(name.to_owned()),
                        text: value.clone(),
                        secret: value,
                    }
                }
                None => {
                    let token = fill(template, &mut g);
                    Sample {
                        rule,
                        path: "",
                        kind: Kind::Token,
                        text: token.clone(),
                        secret: token,
                    }
                }
            }
        })
        .collect()
}

/// (path, text) of the sample in each file context it is tried in.
pub(crate) fn contexts(s: &Sample) -> Vec<(&'static str, String)> {
    match &s.kind {
        Kind::Raw => vec![(s.path, s.text.clone())],
        Kind::Token => {
            let t = &s.text;
            vec![
                ("config/settings.py", format!("token = \"{t}\"\n")),
                (
                    "deploy/.env.production",
                    format!("export SERVICE_CREDENTIAL={t}\n"),
                ),
                (
                    "config/app.json",
                    format!("{{\"service\": {{\"token\": \"{t}\"}}}}\n"),
                ),
                ("config/app.yaml", format!("service:\n  token: {t}\n")),
                (
                    "notes/request.http",
                    format!("GET /v1/items\nAuthorization: Bearer {t}\n"),
                ),
            ]
        }
        Kind::Named(name) => {
            let v = &s.text;
            let camel = camel(name);
            vec![
                ("deploy/.env", format!("{name}={v}\n")),
                ("config/app.yaml", format!("env:\n  {name}: \"{v}\"\n")),
                ("config/app.json", format!("{{\"{camel}\": \"{v}\"}}\n")),
                ("src/settings.py", format!("{name} = '{v}'\n")),
                (
                    "src/Config.java",
                    format!("System.setProperty(\"{name}\", \"{v}\");\n"),
                ),
            ]
        }
    }
}

/// `CLOUDFLARE_API_TOKEN` → `cloudflareApiToken`.
fn camel(name: &str) -> String {
    let mut out = String::new();
    for (i, part) in name.split('_').filter(|p| !p.is_empty()).enumerate() {
        let lower = part.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&lower);
        } else {
            let mut c = lower.chars();
            if let Some(f) = c.next() {
                out.push(f.to_ascii_uppercase());
                out.push_str(c.as_str());
            }
        }
    }
    out
}

/// Near misses of a sample, in neutral lines: none may be found by any rule.
pub(crate) fn near_misses(s: &Sample) -> Vec<(&'static str, String)> {
    match &s.kind {
        Kind::Raw => Vec::new(),
        Kind::Token => {
            // Cut to half: too short for its format.
            let t = &s.text;
            let keep = t.len() / 2;
            let cut: String = t.chars().take(keep).collect();
            vec![("notes/ids.txt", format!("ref: {cut}\n"))]
        }
        Kind::Named(name) => {
            // The same value under a name that holds no secret (an id).
            let v = &s.text;
            vec![
                ("deploy/.env", format!("{name}_ID={v}\n")),
                ("notes/ids.txt", format!("build {v} passed\n")),
            ]
        }
    }
}

#[test]
fn every_sample_is_found_in_every_context_and_no_near_miss_is() {
    let s = crate::scanner();
    let mut failures = Vec::new();
    for seed in [1, 2] {
        for sample in samples(seed) {
            assert!(
                s.rules().iter().any(|r| r.id == sample.rule),
                "a sample for an unknown rule {}",
                sample.rule
            );
            for (path, text) in contexts(&sample) {
                let found = crate::found_in(&s, path, &text);
                if !found
                    .iter()
                    .any(|(r, sec)| r == sample.rule && *sec == sample.secret)
                {
                    failures.push(format!(
                        "{}: missed in {path}: {text:?}, found {found:?}",
                        sample.rule
                    ));
                }
            }
            for (path, text) in near_misses(&sample) {
                let found = crate::found_in(&s, path, &text);
                if !found.is_empty() {
                    failures.push(format!(
                        "{}: near miss found in {path}: {text:?}: {found:?}",
                        sample.rule
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The generic rule in the eight contexts issue 14 found it missing, and
/// near misses of each that hold no secret.
#[test]
fn generic_rule_contexts() {
    let s = crate::scanner();
    let mut g = Gen::new(77);
    let v = g.alnum(22);
    let found = [
        (
            "conf/app.xml",
            format!("<config>\n  <password>{v}</password>\n</config>\n"),
        ),
        ("conf/web.xml", format!("<apiKey>{v}</apiKey>\n")),
        ("main.go", format!("var apiKey string = \"{v}\"\n")),
        ("main.go", format!("\tvar dbPassword string = \"{v}\"\n")),
        ("app.ts", format!("const apiToken: string = \"{v}\";\n")),
        ("config.php", format!("$password .= \"{v}\";\n")),
        ("config.php", format!("$config['db_password'] .= '{v}';\n")),
        (
            "Main.java",
            format!("System.setProperty(\"db.password\", \"{v}\");\n"),
        ),
        ("Makefile", format!("API_TOKEN ::= {v}\n")),
        ("Makefile", format!("API_TOKEN :::= {v}\n")),
        ("Makefile", format!("DB_PASSWORD ?= {v}\n")),
        (
            "deploy.json",
            format!("{{\"env\": \"DB_PASSWORD={v}\\nDEBUG=1\"}}\n"),
        ),
        (
            "deploy.json",
            format!("{{\"script\": \"export API_KEY={v}\\r\\nrun\"}}\n"),
        ),
    ];
    for (path, text) in &found {
        let hits = crate::found_in(&s, path, text);
        assert!(
            hits.iter()
                .any(|(r, sec)| r == "generic-secret" && *sec == v),
            "{path}: {text:?}: {hits:?}"
        );
    }
    let not_found = [
        (
            "conf/app.xml",
            format!("<passwordPolicy>{v}</passwordPolicy>\n"),
        ),
        (
            "conf/app.xml",
            "<password>${DB_PASSWORD}</password>\n".to_owned(),
        ),
        (
            "main.go",
            "var apiKey string = os.Getenv(\"API_KEY\")\n".to_owned(),
        ),
        ("check.py", format!("if len(password) > {v}:\n")),
        ("config.php", "$password .= $suffix;\n".to_owned()),
        (
            "Main.java",
            "System.setProperty(\"db.password\", System.getenv(\"PW\"));\n".to_owned(),
        ),
        ("Main.java", format!("verify(token, \"{v}\")\n")),
        (
            "names.py",
            "NAMES = {'ASAuthorizationPasswordProvider', 'HTTPPasswordMgrWithDefaultRealm7'}\n"
                .to_owned(),
        ),
        ("names.py", format!("KEYS = ['api_token', '{v}']\n")),
        (
            "Makefile",
            "API_TOKEN ?= $(shell cat token.txt)\n".to_owned(),
        ),
        (
            "deploy.json",
            "{\"env\": \"DB_PASSWORD=${DB_PASSWORD}\\nDEBUG=1\"}\n".to_owned(),
        ),
    ];
    for (path, text) in &not_found {
        let hits = crate::found_in(&s, path, text);
        assert!(hits.is_empty(), "{path}: {text:?}: {hits:?}");
    }
}

/// Published example values (one table, each with its source) are no
/// findings, in the contexts where they are published.
#[test]
fn documented_examples_are_not_findings() {
    use keywarden_scan::validate::{DOCUMENTED_EXAMPLES, is_documented_example};
    let s = crate::scanner();
    for ex in DOCUMENTED_EXAMPLES {
        assert!(!ex.source.is_empty());
        assert!(is_documented_example(ex.value));
        for text in [
            format!("value = \"{}\"\n", ex.value),
            format!("API_KEY={}\n", ex.value),
            format!("token: {}\n", ex.value),
        ] {
            let hits = crate::found_in(&s, "docs/example.md", &text);
            assert!(hits.is_empty(), "{}: {text:?}: {hits:?}", ex.source);
        }
    }
    // The samples as published: jwt.io's token, Azurite's connection string,
    // Firebase's configuration.
    let jwt = [
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        DOCUMENTED_EXAMPLES[3].value,
        DOCUMENTED_EXAMPLES[2].value,
    ]
    .join(".");
    let azurite = format!(
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\n",
        DOCUMENTED_EXAMPLES[5].value
    );
    let firebase = format!(
        "const firebaseConfig = {{\n  apiKey: \"{}2-MnO\",\n  authDomain: \"project-id.firebaseapp.com\",\n}};\n",
        DOCUMENTED_EXAMPLES[6].value
    );
    for text in [format!("Authorization: Bearer {jwt}\n"), azurite, firebase] {
        let hits = crate::found_in(&s, "docs/example.md", &text);
        assert!(hits.is_empty(), "{text:?}: {hits:?}");
    }
}

/// Look-alike prefixes: each format's length and alphabet decide.
#[test]
fn look_alikes_are_told_apart() {
    let s = crate::scanner();
    let mut g = Gen::new(99);
    let cases = [
        (format!("sk_live_a2V5XzAx{}", g.alnum(70)), "workos-api-key"),
        (format!("sk_test_a2V5XzAx{}", g.alnum(70)), "workos-api-key"),
        (format!("sk_live_{}", g.hex(40)), "paystack-secret-key"),
        (
            format!("sk_live_51{}", g.alnum(97)),
            "stripe-live-secret-key",
        ),
        (format!("sk_test_{}", g.alnum(24)), "stripe-test-secret-key"),
        (format!("sgp_{}", g.alnum(64)), "segment-public-api-token"),
        (format!("sgp_{}", g.hex(40)), "sourcegraph-access-token"),
        (format!("EAAA{}", g.b64url(60)), "square-access-token"),
        (format!("EAAG{}", g.alnum(180)), "facebook-access-token"),
    ];
    for (token, rule) in &cases {
        let hits = crate::found_in(&s, "app/config.py", &format!("x = \"{token}\"\n"));
        let rules: Vec<&str> = hits.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(rules, vec![*rule], "{token}");
    }
}
