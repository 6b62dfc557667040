// Passkeys (WebAuthn), on the forms marked data-passkey="register" or "authenticate".
// Progressive enhancement: the button stays hidden without JavaScript or WebAuthn, and the
// page says so. The server sends its options as JSON with base64url strings; WebAuthn wants
// ArrayBuffers and answers with ArrayBuffers, which go back as base64url in a hidden field of
// the ordinary form, submitted as any form is.
(function () {
  "use strict";

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = window.atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) {
      return null;
    }
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      var descriptor = { type: item.type, id: toBuffer(item.id) };
      if (item.transports) {
        descriptor.transports = item.transports;
      }
      return descriptor;
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBuffer(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  function common(credential) {
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  function registrationJSON(credential) {
    var result = common(credential);
    var response = credential.response;
    result.response = {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: typeof response.getTransports === "function" ? response.getTransports() : []
    };
    return result;
  }

  function assertionJSON(credential) {
    var result = common(credential);
    var response = credential.response;
    result.response = {
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      userHandle: toBase64url(response.userHandle)
    };
    return result;
  }

  function setUp(form) {
    var registering = form.getAttribute("data-passkey") === "register";
    var button = form.querySelector("[data-passkey-start]");
    var field = form.querySelector("[data-passkey-field]") ||
      form.querySelector("input[name=credential]");
    var status = form.querySelector("[data-passkey-status]");
    var unsupported = form.querySelector("[data-passkey-unsupported]");
    if (!button || !field || !window.PublicKeyCredential || !navigator.credentials) {
      return;  // the page's explanation stays visible
    }
    if (unsupported) {
      unsupported.hidden = true;
    }
    button.hidden = false;

    function say(key) {
      if (status) {
        status.textContent = form.getAttribute("data-msg-" + key) || "";
      }
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      say("working");
      var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      fetch(form.getAttribute("data-options-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("options: HTTP " + response.status);
        }
        return response.json();
      }).then(function (json) {
        if (registering) {
          return navigator.credentials.create({ publicKey: creationOptions(json) })
            .then(registrationJSON);
        }
        return navigator.credentials.get({ publicKey: requestOptions(json) })
          .then(assertionJSON);
      }).then(function (result) {
        field.value = JSON.stringify(result);
        say("sending");
        form.submit();
      }).catch(function (error) {
        button.disabled = false;
        var cancelled = error && (error.name === "NotAllowedError" || error.name === "AbortError");
        say(cancelled ? "cancelled" : "failed");
      });
    });
  }

  document.querySelectorAll("form[data-passkey]").forEach(setUp);
})();
