import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDeclarativeConfig } from "./declarative-config.js";
import { type RunningKongEmulator, startKongEmulator } from "./http-server.js";
import { type EchoUpstream, proxyRequest, rawRequest, startEchoUpstream } from "./test-support.js";

describe("proxy on the HTTP emulator", () => {
  let upstream: EchoUpstream;
  let kong: RunningKongEmulator;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const port = new URL(upstream.url).port;
    kong = await startKongEmulator({
      config: loadDeclarativeConfig({
        text: `_format_version: "3.0"
services:
  - name: plain
    url: http://127.0.0.1:${port}
    routes:
      - name: keep
        paths: [/api/public]
        strip_path: false
      - name: strip
        paths: [/strip]
      - name: longer
        paths: [/api/public/special]
        methods: [POST]
        strip_path: false
      - name: regex
        paths: ["~/items/\\\\d+$"]
  - name: based
    url: http://127.0.0.1:${port}/base
    routes:
      - name: based
        paths: [/b]
        preserve_host: true
  - name: down
    url: http://127.0.0.1:1
    routes:
      - paths: [/down]
`,
      }),
    });
  });
  afterAll(async () => {
    await kong.close();
    await upstream.close();
  });

  function send(
    path: string,
    options: { method?: string; headers?: string[]; body?: string } = {},
  ) {
    return proxyRequest(kong.proxyUrl, { path, ...options });
  }

  it("forwards method, path, query, headers and body and adds Kong's proxy headers", async () => {
    const reply = await send("/api/public/signup?a=1&b", {
      method: "POST",
      headers: [
        "Content-Type",
        "application/json",
        "X-Consumer-ID",
        "spoofed",
        "Via",
        "1.0 client",
      ],
      body: '{"x":1}',
    });
    expect(reply.status).toBe(200);
    expect(reply.echo).toMatchObject({
      method: "POST",
      path: "/api/public/signup",
      query: "a=1&b",
      body: '{"x":1}',
    });
    const headers = reply.echo?.headers ?? {};
    expect(headers["x-consumer-id"]).toBe("spoofed");
    expect(headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(headers["x-forwarded-proto"]).toBe("http");
    expect(headers["x-forwarded-host"]).toBe("127.0.0.1");
    expect(headers["x-forwarded-port"]).toBe(new URL(kong.proxyUrl).port);
    expect(headers["x-forwarded-path"]).toBe("/api/public/signup");
    expect(headers["x-forwarded-prefix"]).toBe("/api/public");
    expect(headers["x-real-ip"]).toBe("127.0.0.1");
    expect(headers.via).toBe("1.0 client, 1.1 kong/3.9.3");
    expect(headers["x-kong-request-id"]).toBe(reply.headers.get("x-kong-request-id"));
    expect(headers.host).toBe(`127.0.0.1:${new URL(upstream.url).port}`);
    expect(reply.headers.get("via")).toBe("1.1 kong/3.9.3");
    expect(reply.headers.get("server")).toBe("kong/3.9.3");
  });

  it("forwards a POST without a body with neither Content-Length nor Transfer-Encoding, as nginx does", async () => {
    const reply = await send("/api/public/signout", {
      method: "POST",
      headers: ["X-Twice", "1", "x-twice", "2"],
    });
    expect(reply.echo).toMatchObject({ method: "POST", body: "" });
    const headers = reply.echo?.headers ?? {};
    expect(headers["content-length"]).toBeUndefined();
    expect(headers["transfer-encoding"]).toBeUndefined();
    expect(headers["x-twice"]).toBe("1, 2");
    expect(headers.host).toBe(`127.0.0.1:${new URL(upstream.url).port}`);
  });

  it("forwards an empty body sent with Content-Length: 0 as such", async () => {
    const reply = await send("/api/public/signout", {
      method: "POST",
      headers: ["Content-Length", "0"],
    });
    expect(reply.echo?.headers["content-length"]).toBe("0");
    expect(reply.echo?.headers["transfer-encoding"]).toBeUndefined();
  });

  it("strips the matched prefix by default and prefers the longest or more specific route", async () => {
    expect((await send("/strip/x/y")).echo?.path).toBe("/x/y");
    expect((await send("/strip")).echo?.path).toBe("/");
    const special = await send("/api/public/special", { method: "POST", body: "" });
    expect(special.echo?.headers["x-forwarded-prefix"]).toBe("/api/public/special");
    expect((await send("/api/publicity")).echo?.path).toBe("/api/publicity");
  });

  it("matches ~ regex paths anchored at the start", async () => {
    expect((await send("/items/42")).echo?.path).toBe("/");
    expect((await send("/items/abc")).status).toBe(404);
  });

  it("prepends the service path and keeps the client's Host with preserve_host", async () => {
    const reply = await send("/b/c", { headers: ["Host", "example.test"] });
    expect(reply.echo?.path).toBe("/base/c");
    expect(reply.echo?.headers.host).toBe("example.test");
  });

  it("answers 404 no Route matched, with the template chosen by Accept", async () => {
    const json = await send("/nothing");
    expect(json.status).toBe(404);
    expect(json.text).toMatch(
      /^\{\n {2}"message":"no Route matched with those values",\n {2}"request_id":"[0-9a-f]{32}"\n\}$/,
    );
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const plain = await send("/nothing", { headers: ["Accept", "text/plain"] });
    expect(plain.text).toMatch(/^no Route matched with those values\nrequest_id: [0-9a-f]{32}\n$/);
  });

  it("answers 502 when the upstream is unreachable", async () => {
    const reply = await send("/down");
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.text)).toMatchObject({
      message: "An invalid response was received from the upstream server",
    });
    expect(reply.headers.get("x-kong-request-id")).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("startKongEmulator", () => {
  it("reports each ignored plugin once through the logger and loads the file's consumers", async () => {
    const warnings: string[] = [];
    const kong = await startKongEmulator({
      config: loadDeclarativeConfig({
        text: `_format_version: "3.0"
services:
  - url: http://127.0.0.1:1
    routes:
      - paths: [/]
        plugins: [{ name: cors }, { name: rate-limiting }]
consumers:
  - username: demo
    jwt_secrets: [{ key: demo-key }]
`,
      }),
      logger: { info: () => {}, warn: (message) => warnings.push(message) },
    });
    try {
      expect(warnings).toEqual([
        "ignoring plugin 'cors' at services[0].routes[0].plugins[0]: not emulated by the Kong emulator",
        "ignoring plugin 'rate-limiting' at services[0].routes[0].plugins[1]: not emulated by the Kong emulator",
      ]);
      const reply = await fetch(`${kong.adminUrl}/consumers/demo/jwt/demo-key`);
      expect(reply.status).toBe(200);
    } finally {
      await kong.close();
    }
  });
});

describe("routes without a service", () => {
  const text = `_format_version: "3.0"
routes:
  - name: lonely
    hosts: [lonely.test]
`;

  it("answers 503 no Service found with those values, as Kong.access does", async () => {
    const kong = await startKongEmulator({ config: loadDeclarativeConfig({ text }) });
    try {
      const reply = await rawRequest(kong.proxyUrl, {
        path: "/x",
        headers: ["Host", "lonely.test", "Content-Type", "text/html"],
      });
      expect(reply.status).toBe(503);
      // kong.response.error negotiates from Accept only, so Content-Type is ignored.
      expect(reply.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(JSON.parse(reply.text)).toMatchObject({
        message: "no Service found with those values",
      });
    } finally {
      await kong.close();
    }
  });

  it("sends them to --upstream when one is given", async () => {
    const upstream = await startEchoUpstream();
    const kong = await startKongEmulator({
      config: loadDeclarativeConfig({ text }),
      upstream: upstream.url,
    });
    try {
      const reply = await rawRequest(kong.proxyUrl, {
        path: "/request?a=1",
        headers: ["Host", "lonely.test"],
      });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.text)).toMatchObject({ path: "/request", query: "a=1" });
    } finally {
      await kong.close();
      await upstream.close();
    }
  });
});
