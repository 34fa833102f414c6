/* SAVE IT: SCORM 1.2 run-time wrapper (ADL SCORM 1.2 RTE, section 3.3).
 * Finds the LMS "API" object the standard way, then offers small, failure-tolerant calls.
 * Without an LMS every call is a no-op and the module works standalone. */
(function (global) {
  "use strict";

  var MAX_PARENTS = 7;

  function apiOf(win) {
    try {
      return win && win.API ? win.API : null;
    } catch (error) {
      return null; // a parent from another origin: not reachable
    }
  }

  function parentOf(win) {
    try {
      return win.parent && win.parent !== win ? win.parent : null;
    } catch (error) {
      return null;
    }
  }

  /* Walk up the parents (at most 7 levels), as ADL's reference "findAPI" does. */
  function searchFrom(win) {
    var tries = 0;
    var current = win;
    while (current && !apiOf(current) && tries < MAX_PARENTS) {
      current = parentOf(current);
      tries += 1;
    }
    return apiOf(current);
  }

  function findAPI() {
    var api = searchFrom(global);
    if (!api) {
      var opener = null;
      try {
        opener = global.opener || (global.top && global.top.opener) || null;
      } catch (error) {
        opener = null;
      }
      if (opener) {
        api = searchFrom(opener);
      }
    }
    return api;
  }

  function pad(value, width) {
    var text = String(value);
    while (text.length < width) {
      text = "0" + text;
    }
    return text;
  }

  /* CMITimespan of SCORM 1.2: HHHH:MM:SS.SS (hours capped at 9999). */
  function formatSessionTime(milliseconds) {
    var centis = Math.max(0, Math.round(milliseconds / 10));
    var hours = Math.min(9999, Math.floor(centis / 360000));
    var minutes = Math.floor((centis % 360000) / 6000);
    var seconds = Math.floor((centis % 6000) / 100);
    var rest = centis % 100;
    if (hours === 9999) {
      minutes = 59;
      seconds = 59;
      rest = 99;
    }
    return pad(hours, 4) + ":" + pad(minutes, 2) + ":" + pad(seconds, 2) + "." + pad(rest, 2);
  }

  function isTrue(result) {
    return String(result) === "true";
  }

  function Connection(api) {
    this.api = api;
    this.connected = false;
    this.finished = false;
  }

  Connection.prototype.call = function (name, args) {
    if (!this.api || typeof this.api[name] !== "function") {
      return "";
    }
    try {
      return this.api[name].apply(this.api, args);
    } catch (error) {
      if (global.console) {
        global.console.warn("SCORM call failed: " + name, error); // for developers, not learners
      }
      return "";
    }
  };

  Connection.prototype.initialize = function () {
    if (!this.api) {
      return false;
    }
    this.connected = isTrue(this.call("LMSInitialize", [""]));
    return this.connected;
  };

  Connection.prototype.get = function (element) {
    if (!this.connected || this.finished) {
      return "";
    }
    var value = this.call("LMSGetValue", [element]);
    return value === null || value === undefined ? "" : String(value);
  };

  Connection.prototype.set = function (element, value) {
    if (!this.connected || this.finished) {
      return false;
    }
    return isTrue(this.call("LMSSetValue", [element, String(value)]));
  };

  Connection.prototype.commit = function () {
    if (!this.connected || this.finished) {
      return false;
    }
    return isTrue(this.call("LMSCommit", [""]));
  };

  Connection.prototype.finish = function () {
    if (!this.connected || this.finished) {
      return false;
    }
    this.finished = true;
    return isTrue(this.call("LMSFinish", [""]));
  };

  Connection.prototype.lastError = function () {
    if (!this.connected) {
      return "";
    }
    var code = String(this.call("LMSGetLastError", []));
    return code === "0" ? "" : code + " " + String(this.call("LMSGetErrorString", [code]));
  };

  function connect() {
    var connection = new Connection(findAPI());
    connection.initialize();
    return connection;
  }

  /* SHA-256 of a text (UTF-8), in hex, computed here: crypto.subtle exists only on https pages
   * and is asynchronous, while an LMS may serve the package over plain http. */
  var K = [];
  (function () {
    var n = 2;
    while (K.length < 64) {
      var prime = true;
      for (var d = 2; d * d <= n; d += 1) if (n % d === 0) prime = false;
      if (prime) K.push((Math.pow(n, 1 / 3) % 1) * 4294967296 | 0);
      n += 1;
    }
  })();
  var H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

  function sha256(text) {
    var bytes = unescape(encodeURIComponent(text));
    var length = bytes.length;
    var words = [];
    for (var i = 0; i < length; i += 1) words[i >> 2] |= bytes.charCodeAt(i) << (24 - (i % 4) * 8);
    words[length >> 2] |= 0x80 << (24 - (length % 4) * 8);
    var total = ((length + 8) >> 6) * 16 + 16;
    for (var j = (length >> 2) + 1; j < total; j += 1) words[j] = words[j] | 0;
    words[total - 1] = length * 8;
    var h = H0.slice();
    var w = new Array(64);
    for (var block = 0; block < total; block += 16) {
      for (var t = 0; t < 64; t += 1) {
        if (t < 16) {
          w[t] = words[block + t] | 0;
        } else {
          var a = w[t - 15];
          var b = w[t - 2];
          var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
          var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
          w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
        }
      }
      var v = h.slice();
      for (var r = 0; r < 64; r += 1) {
        var e = v[4];
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & v[5]) ^ (~e & v[6]);
        var t1 = (v[7] + S1 + ch + K[r] + w[r]) | 0;
        var x = v[0];
        var S0 = ((x >>> 2) | (x << 30)) ^ ((x >>> 13) | (x << 19)) ^ ((x >>> 22) | (x << 10));
        var maj = (x & v[1]) ^ (x & v[2]) ^ (v[1] & v[2]);
        var t2 = (S0 + maj) | 0;
        v = [(t1 + t2) | 0, v[0], v[1], v[2], (v[3] + t1) | 0, v[4], v[5], v[6]];
      }
      for (var k = 0; k < 8; k += 1) h[k] = (h[k] + v[k]) | 0;
    }
    return h.map(function (word) { return ("00000000" + (word >>> 0).toString(16)).slice(-8); }).join("");
  }

  /* A number ("12.5", "-3") on the grid of 10^-scale, rounded down and up, as integer strings
   * (exact, with BigInt: no floating point). */
  function onGrid(clean, scale) {
    var negative = clean.charAt(0) === "-";
    var digits = clean.replace(/^[-+]/, "").split(".");
    var fraction = (digits[1] || "") + new Array(scale + 1).join("0");
    var n = BigInt((digits[0] || "0") + fraction.slice(0, scale));
    var exact = !/[1-9]/.test(fraction.slice(scale));
    var one = BigInt(1);
    if (negative) return [String(exact ? -n : -n - one), String(-n)];
    return [String(n), String(exact ? n : n + one)];
  }

  /* Is `answer` right for `item`, whose right answers are salted hashes (scorm.py, answer_hash)?
   * `answer`: indexes into the item's choices (in the order given, for ordering), or for a
   * numeric item the number as a clean string ("12.5"); null when unanswered. A numeric answer
   * is right when its floor and ceiling on the answer's grid are both accepted values, which is
   * exactly |answer - expected| <= tolerance. */
  function isRight(salt, item, answer) {
    if (answer === null || answer === undefined) return false;
    function hashed(canonical) {
      return item.hashes.indexOf(sha256(salt + "|" + item.key + "|" + canonical)) !== -1;
    }
    if (item.kind === "numeric") {
      var bounds = onGrid(String(answer), item.scale);
      if (item.hashes === undefined) {
        return BigInt(bounds[0]) >= BigInt(item.low) && BigInt(bounds[1]) <= BigInt(item.high);
      }
      return hashed(bounds[0]) && hashed(bounds[1]);
    }
    var canonical = item.kind === "ordering" ? answer : answer.slice().sort(function (a, b) { return a - b; });
    return hashed(canonical.join(","));
  }

  /* The items of an attempt: in the pool's order, never two of one family (items built from one
   * sentence of the procedure answer each other), as the platform draws them. */
  function pickByFamily(pool, count) {
    var seen = {};
    var picked = [];
    for (var i = 0; i < pool.length && picked.length < count; i++) {
      var family = pool[i].family || pool[i].key;
      if (seen[family]) continue;
      seen[family] = true;
      picked.push(pool[i]);
    }
    return picked;
  }

  global.SaveitScorm = {
    isRight: isRight,
    pickByFamily: pickByFamily,
    sha256: sha256,
    connect: connect,
    findAPI: findAPI,
    formatSessionTime: formatSessionTime,
  };
})(window);
