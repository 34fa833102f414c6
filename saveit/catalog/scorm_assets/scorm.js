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

  global.SaveitScorm = {
    connect: connect,
    findAPI: findAPI,
    formatSessionTime: formatSessionTime,
  };
})(window);
