// Small enhancements on top of htmx; every page works without this file.
// A sender row's "Remove" button removes the row in place instead of submitting the form.
document.addEventListener('click', function (event) {
  var button = event.target instanceof Element ? event.target.closest('[data-remove-row]') : null;
  if (!button) return;
  event.preventDefault();
  var row = button.closest('.sender-row');
  var next = row && (row.nextElementSibling || row.previousElementSibling);
  if (row) row.remove();
  // Keep the keyboard focus in the sender list rather than losing it to the page.
  var focusTarget = next ? next.querySelector('input, select') : document.querySelector('[value="addSender"]');
  if (focusTarget) focusTarget.focus();
});

// A sender row added by htmx gets the focus, so the keyboard user types into it at once.
document.addEventListener('htmx:after:swap', function (event) {
  var target = event.detail && event.detail.ctx && event.detail.ctx.target;
  if (!target || target.id !== 'sender-rows') return;
  var inputs = target.querySelectorAll('input[name="senderValue"]');
  if (inputs.length) inputs[inputs.length - 1].focus();
});
