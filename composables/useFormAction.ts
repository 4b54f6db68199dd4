/** A schema's issues, one message per field (the first), as a form shows them under its fields. */
export function fieldErrorsOf(issues: readonly { path: readonly PropertyKey[], message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const issue of issues) errors[String(issue.path[0])] ??= issue.message
  return errors
}

/**
 * What a form or dialog does when it is submitted: `busy` while the action runs (its button is
 * disabled), and the refusal in words in `error` (the API's message) if it fails. `run` answers
 * whether the action succeeded.
 */
export function useFormAction() {
  const busy = ref(false)
  const error = ref('')

  async function run(action: () => Promise<unknown>): Promise<boolean> {
    busy.value = true
    error.value = ''
    try {
      await action()
      return true
    }
    catch (e) {
      error.value = apiErrorMessage(e)
      return false
    }
    finally {
      busy.value = false
    }
  }

  return { busy, error, run }
}
