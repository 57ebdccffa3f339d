// Clicking the subject in an image's preview sets its focal point (the two fields, in %);
// the marker shows where it is. Positioned from here: the admin's CSP allows no inline style.
"use strict";
(function () {
    const clamp = (value) => Math.min(100, Math.max(0, Math.round(value)));

    function place(preview) {
        const marker = preview.querySelector(".focal-marker");
        marker.style.left = (document.getElementById("id_focal_x").value || 50) + "%";
        marker.style.top = (document.getElementById("id_focal_y").value || 50) + "%";
    }

    document.addEventListener("DOMContentLoaded", function () {
        const preview = document.querySelector(".focal-preview");
        if (!preview || !document.getElementById("id_focal_x")) {
            return;
        }
        place(preview);
        preview.addEventListener("click", function (event) {
            const box = preview.querySelector("img").getBoundingClientRect();
            document.getElementById("id_focal_x").value = clamp(((event.clientX - box.left) / box.width) * 100);
            document.getElementById("id_focal_y").value = clamp(((event.clientY - box.top) / box.height) * 100);
            place(preview);
        });
        for (const id of ["id_focal_x", "id_focal_y"]) {
            document.getElementById(id).addEventListener("input", () => place(preview));
        }
    });
})();
