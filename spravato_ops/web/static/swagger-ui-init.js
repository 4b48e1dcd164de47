// Start Swagger UI on /api/v1/docs from the data attributes of this script's own tag.
(function () {
  "use strict";
  var tag = document.currentScript;  // only set while this file first runs
  var config = { url: tag.dataset.specUrl, dom_id: "#swagger-ui-container" };
  Object.assign(config, JSON.parse(tag.dataset.config || "{}"));
  window.addEventListener("load", function () {
    window.ui = window.SwaggerUIBundle(config);
  });
})();
